import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { fileTypeFromStream } from 'file-type';
import type { Kysely } from 'kysely';
import { newId } from '../../shared/domain/ids';
import {
  MAX_CHUNK_BYTES,
  PURPOSE_RULES,
  formatBytes,
  type FilePurpose,
  type UploadStart,
} from '../../shared/files/upload';
import type { Access } from '../auth/access';
import type { Database, UploadTable } from '../db/schema';
import { HttpError, forbidden, notFound } from '../http/errors';
import { ChunkTooLargeError, type FileStore } from './file-store';

/** An upload nobody touched for this long is abandoned: its row and bytes are removed at the next start. */
const UPLOAD_TTL_MS = 7 * 24 * 3600_000;

export const payloadTooLarge = (code: string, message: string) => new HttpError(413, code, message);
export const unprocessable = (code: string, message: string) => new HttpError(422, code, message);

/** The chunk's offset is not where the upload stands: the client continues from `offset`. */
export class OffsetConflict extends Error {
  constructor(readonly offset: number) {
    super('offset conflict');
  }
}

export type StartResult =
  | { status: 201; body: { uploadId: string; offset: number } }
  | { status: 200; body: { complete: true; sha256: string; mime: string } };

export type ChunkResult = { offset: number } | { offset: number; complete: true; sha256: string; mime: string };

/**
 * Who may upload what. Evidence photos and signatures: the staff who record at a school (teachers, principals).
 * Materials: principals (for their school's library), officers (their unit's), trainers (the materials of the
 * sessions they lead), never a teacher. Admins anything. Which library a material goes into is decided when the
 * material is created (POST /api/materials), against the same roles.
 */
export function mayUpload(access: Access, purpose: FilePurpose): boolean {
  if (access.isAdmin) return true;
  if (purpose === 'material') return access.hasRole('principal') || access.hasRole('officer') || access.hasRole('trainer');
  return access.hasRole('teacher') || access.hasRole('principal');
}

function tooBigMessage(purpose: FilePurpose, size: number): string {
  const max = formatBytes(PURPOSE_RULES[purpose].maxBytes);
  return `Tệp ${formatBytes(size)} vượt quá giới hạn ${max} cho loại tệp này (file larger than the ${max} limit)`;
}

function typeRefusedMessage(purpose: FilePurpose, detected: string | undefined): string {
  const label = PURPOSE_RULES[purpose].label;
  const what = detected ? `là ${detected}` : 'không nhận ra được';
  return `Nội dung tệp ${what}: chỉ nhận ${label}, kiểm tra theo nội dung chứ không theo tên tệp (file type not accepted: ${detected ?? 'unknown'}; accepted: ${label})`;
}

export class UploadService {
  /** Uploads receiving a chunk right now: two chunks of one upload at once would interleave their bytes. */
  private readonly busy = new Set<string>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly store: FileStore,
    private readonly quotaBytes: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async start(access: Access, input: UploadStart): Promise<StartResult> {
    if (!mayUpload(access, input.purpose)) throw forbidden('Tài khoản này không được tải lên loại tệp này (not allowed to upload this kind of file)');
    const rule = PURPOSE_RULES[input.purpose];
    if (input.size > rule.maxBytes) throw payloadTooLarge('file_too_large', tooBigMessage(input.purpose, input.size));

    const stored = await this.db.selectFrom('stored_files').selectAll().where('sha256', '=', input.sha256).executeTakeFirst();
    if (stored) {
      // Stored already: the hash proves the client holds the bytes, so nothing is sent again. The stored type must
      // still suit this purpose (a PDF is not a signature).
      if (!rule.mimes.includes(stored.mime)) throw unprocessable('unsupported_type', typeRefusedMessage(input.purpose, stored.mime));
      if (stored.size > rule.maxBytes) throw payloadTooLarge('file_too_large', tooBigMessage(input.purpose, stored.size));
      await this.checkQuota(access.userId, input.purpose, input.sha256, Number(stored.size));
      await this.recordUploader(this.db, access.userId, input.sha256, input.purpose, input.name);
      return { status: 200, body: { complete: true, sha256: input.sha256, mime: stored.mime } };
    }
    await this.checkQuota(access.userId, input.purpose, input.sha256, input.size);

    // The same file announced again by the same user (a reload lost the upload id): continue that upload.
    const existing = await this.db
      .selectFrom('uploads')
      .selectAll()
      .where('user_id', '=', access.userId)
      .where('sha256', '=', input.sha256)
      .where('purpose', '=', input.purpose)
      .where('size', '=', input.size)
      .executeTakeFirst();
    if (existing) {
      return { status: 201, body: { uploadId: existing.id, offset: await this.store.createWriteTarget(existing.id).size() } };
    }

    const id = newId();
    const now = this.now();
    await this.db
      .insertInto('uploads')
      .values({
        id,
        user_id: access.userId,
        sha256: input.sha256,
        size: input.size,
        received: 0,
        purpose: input.purpose,
        mime_claimed: input.mime,
        name: input.name,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + UPLOAD_TTL_MS).toISOString(),
      })
      .execute();
    return { status: 201, body: { uploadId: id, offset: 0 } };
  }

  async status(access: Access, uploadId: string): Promise<{ offset: number; size: number }> {
    const upload = await this.ownUpload(access, uploadId);
    return { offset: await this.store.createWriteTarget(upload.id).size(), size: Number(upload.size) };
  }

  /**
   * Appends one chunk at `offset`, streamed to the write target. When the last byte arrives the file is verified
   * (hash, sniffed type, limits) and committed; a refused file is forgotten with its upload.
   */
  async chunk(access: Access, uploadId: string, offset: number, body: Readable, declaredLength: number | null): Promise<ChunkResult> {
    const upload = await this.ownUpload(access, uploadId);
    if (declaredLength !== null && declaredLength > MAX_CHUNK_BYTES) {
      throw payloadTooLarge('chunk_too_large', `Mỗi phần gửi lên tối đa ${formatBytes(MAX_CHUNK_BYTES)} (chunk too large)`);
    }
    if (this.busy.has(upload.id)) throw new OffsetConflict(await this.store.createWriteTarget(upload.id).size());
    this.busy.add(upload.id);
    try {
      const target = this.store.createWriteTarget(upload.id);
      const current = await target.size();
      if (offset !== current) throw new OffsetConflict(current);
      const size = Number(upload.size);
      let received: number;
      try {
        received = await target.append(body, Math.min(size, current + MAX_CHUNK_BYTES));
      } catch (error) {
        if (error instanceof ChunkTooLargeError) {
          throw payloadTooLarge(
            'chunk_too_large',
            `Phần gửi lên vượt quá kích thước tệp đã khai báo hoặc quá ${formatBytes(MAX_CHUNK_BYTES)} (chunk goes past the declared size or the chunk limit)`,
          );
        }
        if (body.destroyed || isInterrupted(error)) {
          // The client went away mid-chunk: what arrived is kept, and the next request resumes from the target's size.
          throw new HttpError(400, 'upload_interrupted', 'Kết nối bị ngắt giữa chừng; hãy gửi tiếp từ vị trí máy chủ đã nhận (connection dropped mid-chunk)');
        }
        throw error;
      }
      await this.db
        .updateTable('uploads')
        .set({ received, expires_at: new Date(this.now().getTime() + UPLOAD_TTL_MS).toISOString() })
        .where('id', '=', upload.id)
        .execute();
      if (received < size) return { offset: received };
      return { offset: received, ...(await this.finish(access, upload)) };
    } finally {
      this.busy.delete(upload.id);
    }
  }

  async cancel(access: Access, uploadId: string): Promise<void> {
    const upload = await this.ownUpload(access, uploadId);
    if (this.busy.has(upload.id)) throw new OffsetConflict(await this.store.createWriteTarget(upload.id).size());
    await this.forget(upload.id);
  }

  /** At start: uploads past their expiry go, and so do write targets no upload row knows (a crash, a lost row). */
  async cleanStale(): Promise<{ uploads: number; targets: number }> {
    const expired = await this.db
      .selectFrom('uploads')
      .select('id')
      .where('expires_at', '<', this.now().toISOString())
      .execute();
    for (const u of expired) await this.forget(u.id);
    const live = await this.db.selectFrom('uploads').select('id').execute();
    const targets = await this.store.removeTargetsExcept(new Set(live.map((u) => u.id)));
    return { uploads: expired.length, targets };
  }

  private async finish(
    access: Access,
    upload: UploadTable,
  ): Promise<{ complete: true; sha256: string; mime: string }> {
    const purpose = upload.purpose as FilePurpose;
    const rule = PURPOSE_RULES[purpose];
    const target = this.store.createWriteTarget(upload.id);
    const sniffed = await sniff(target.read());
    if (!sniffed || !rule.mimes.includes(sniffed)) {
      await this.forget(upload.id);
      throw unprocessable('unsupported_type', typeRefusedMessage(purpose, sniffed));
    }
    const actual = await sha256Of(target.read());
    if (actual !== upload.sha256) {
      await this.forget(upload.id);
      throw unprocessable(
        'hash_mismatch',
        'Nội dung nhận được không khớp mã SHA-256 đã khai báo (tệp hỏng khi gửi), hãy tải lên lại (content does not match the declared SHA-256)',
      );
    }
    await target.commit(upload.sha256);
    const now = this.now().toISOString();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('stored_files')
        .values({ sha256: upload.sha256, size: Number(upload.size), mime: sniffed, created_at: now, first_uploaded_by: access.userId })
        .onConflict((oc) => oc.column('sha256').doNothing())
        .execute();
      await this.recordUploader(trx, access.userId, upload.sha256, purpose, upload.name);
      await trx.deleteFrom('uploads').where('id', '=', upload.id).execute();
    });
    return { complete: true, sha256: upload.sha256, mime: sniffed };
  }

  private async forget(uploadId: string): Promise<void> {
    await this.store.createWriteTarget(uploadId).discard();
    await this.db.deleteFrom('uploads').where('id', '=', uploadId).execute();
  }

  /** Someone else's upload answers like one that does not exist. */
  private async ownUpload(access: Access, uploadId: string) {
    const upload = await this.db
      .selectFrom('uploads')
      .selectAll()
      .where('id', '=', uploadId)
      .where('user_id', '=', access.userId)
      .executeTakeFirst();
    if (!upload) throw notFound('Không tìm thấy lượt tải lên này, có thể đã hết hạn (upload not found or expired)');
    return upload;
  }

  /** Materials count against the uploader's quota: the sizes of their distinct files, this one included once. */
  private async checkQuota(userId: string, purpose: FilePurpose, sha256: string, size: number): Promise<void> {
    if (purpose !== 'material') return;
    const row = await this.db
      .selectFrom('file_uploaders')
      .innerJoin('stored_files', 'stored_files.sha256', 'file_uploaders.sha256')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('stored_files.size'), eb.lit(0)).as('used'))
      .where('file_uploaders.user_id', '=', userId)
      .where('file_uploaders.purpose', '=', 'material')
      .where('file_uploaders.sha256', '!=', sha256)
      .executeTakeFirst();
    const used = Number(row?.used ?? 0);
    if (used + size > this.quotaBytes) {
      throw payloadTooLarge(
        'quota_exceeded',
        `Đã dùng ${formatBytes(used)} trong hạn mức ${formatBytes(this.quotaBytes)}; tệp ${formatBytes(size)} vượt hạn mức tải lên (upload quota exceeded)`,
      );
    }
  }

  private async recordUploader(
    db: Kysely<Database>,
    userId: string,
    sha256: string,
    purpose: FilePurpose,
    name: string,
  ): Promise<void> {
    await db
      .insertInto('file_uploaders')
      .values({ sha256, user_id: userId, purpose, name, created_at: this.now().toISOString() })
      .onConflict((oc) => oc.columns(['sha256', 'user_id', 'purpose']).doNothing())
      .execute();
  }
}

const INTERRUPTED = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'ECONNABORTED', 'EPIPE']);

function isInterrupted(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  return (typeof e?.code === 'string' && INTERRUPTED.has(e.code)) || e?.message === 'aborted';
}

/** The type from the first bytes; the rest of the stream is not read. */
async function sniff(stream: Readable): Promise<string | undefined> {
  try {
    // file-type's Node entry takes a Node stream; the type checker sees its browser entry, which names web streams only.
    return (await fileTypeFromStream(stream as unknown as Parameters<typeof fileTypeFromStream>[0]))?.mime;
  } finally {
    stream.destroy();
  }
}

async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
