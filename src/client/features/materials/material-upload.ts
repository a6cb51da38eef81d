import { z } from 'zod';
import type { SessionUser } from '../../../shared/auth';
import { IdSchema } from '../../../shared/domain/ids';
import { SchoolLevelSchema } from '../../../shared/domain/org';
import { PURPOSE_RULES } from '../../../shared/files/upload';
import { MaterialCreateInputSchema, type MaterialCreateInput } from '../../../shared/materials/library';
import { ApiError, NetworkError, type FetchLike } from '../../api';
import { sha256OfBlob } from '../../files/sha256';
import { cancelUpload, uploadFile } from '../../files/uploader';

/**
 * The material upload form's logic (issue #6, item 1), apart from the page so that tests drive it directly: hash the
 * picked file, upload it resumably (purpose "material"), remember the upload across a reload, then publish the
 * material with POST /api/materials (the materials feature's route) on the stored file's hash.
 */

export const MATERIAL_MAX_BYTES = PURPOSE_RULES.material.maxBytes;

/** What the file picker offers; the server decides from the bytes anyway. */
export const MATERIAL_ACCEPT = '.pdf,.pptx,.docx,.xlsx,.jpg,.jpeg,.png,.webp,.mp4,' + PURPOSE_RULES.material.mimes.join(',');

export interface LibraryChoice {
  /** `<ownerUnitId>:<schoolId or ->`: one value for a select. */
  key: string;
  ownerUnitId: string;
  schoolId: string | null;
  unitName: string;
  kind: 'school' | 'unit';
}

/**
 * The libraries this user may publish to (Access.canPublishMaterial on the server): a principal's school library; an
 * officer's or trainer's unit library; an admin's unit. Teachers publish nowhere.
 */
export function libraryChoices(user: SessionUser): LibraryChoice[] {
  const out = new Map<string, LibraryChoice>();
  for (const g of user.grants) {
    if (g.role === 'principal') {
      out.set(`${g.unitId}:${g.unitId}`, { key: `${g.unitId}:${g.unitId}`, ownerUnitId: g.unitId, schoolId: g.unitId, unitName: g.unitName, kind: 'school' });
    } else if (g.role === 'officer' || g.role === 'trainer' || g.role === 'admin') {
      out.set(`${g.unitId}:-`, { key: `${g.unitId}:-`, ownerUnitId: g.unitId, schoolId: null, unitName: g.unitName, kind: 'unit' });
    }
  }
  return [...out.values()];
}

/** The form's fields; tags are typed as one comma-separated line. Checked again by the shared create schema. */
export const MaterialFormSchema = z.object({
  libraryKey: z.string().min(1),
  title: z.string().trim().min(1).max(300),
  description: z.string().trim().max(5000),
  activityTypeId: IdSchema.nullable(),
  schoolLevel: SchoolLevelSchema.nullable(),
  schoolYearId: IdSchema.nullable(),
  tags: z
    .string()
    .max(2000)
    .refine((v) => {
      const tags = splitTags(v);
      return tags.length <= 30 && tags.every((t) => t.length <= 50);
    }),
});
export type MaterialFormValues = z.infer<typeof MaterialFormSchema>;

export function splitTags(text: string): string[] {
  return [...new Set(text.split(',').map((t) => t.trim()).filter((t) => t.length > 0))];
}

/** "Ke hoach PCCC 2025.pdf" → "Ke hoach PCCC 2025": a title to start from. */
export function titleFromFileName(name: string): string {
  return name.replace(/\.[A-Za-z0-9]{1,5}$/, '').replace(/[_]+/g, ' ').trim().slice(0, 300);
}

export function toCreateInput(values: MaterialFormValues, sha256: string, libraries: LibraryChoice[]): MaterialCreateInput {
  const library = libraries.find((l) => l.key === values.libraryKey);
  if (!library) throw new Error('unknown library');
  return MaterialCreateInputSchema.parse({
    sha256,
    title: values.title,
    description: values.description.trim() === '' ? null : values.description,
    activityTypeId: values.activityTypeId,
    schoolLevel: values.schoolLevel,
    schoolYearId: values.schoolYearId,
    tags: splitTags(values.tags),
    ownerUnitId: library.ownerUnitId,
    schoolId: library.schoolId,
  });
}

/** Publishes the material; answers the created material's id. */
export async function createMaterial(
  token: string,
  input: MaterialCreateInput,
  doFetch: FetchLike = (i, init) => globalThis.fetch(i, init),
): Promise<{ id: string }> {
  let res: Response;
  try {
    res = await doFetch('/api/materials', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(input),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (error) {
    throw new NetworkError(error);
  }
  const body = (await res.json().catch(() => null)) as { id?: unknown; error?: unknown; message?: unknown } | null;
  if (!res.ok || typeof body?.id !== 'string') {
    throw new ApiError(
      res.status,
      typeof body?.error === 'string' ? body.error : 'http_error',
      typeof body?.message === 'string' ? body.message : `Máy chủ báo lỗi ${res.status}`,
    );
  }
  return { id: body.id };
}

/** An upload under way, kept in localStorage so that after a reload the same file can continue where it stopped. */
export interface ResumeRecord {
  sha256: string;
  name: string;
  size: number;
  uploadId: string;
  sent: number;
}

const ResumeRecordSchema = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  name: z.string().max(255),
  size: z.number().int().min(0),
  uploadId: IdSchema,
  sent: z.number().int().min(0),
});

export const resumeKey = (userId: string) => `truongan.materialUpload.${userId}`;

export function loadResume(storage: Storage | undefined, userId: string): ResumeRecord | null {
  try {
    const raw = storage?.getItem(resumeKey(userId));
    if (!raw) return null;
    const parsed = ResumeRecordSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function saveResume(storage: Storage | undefined, userId: string, record: ResumeRecord | null): void {
  try {
    if (record) storage?.setItem(resumeKey(userId), JSON.stringify(record));
    else storage?.removeItem(resumeKey(userId));
  } catch {
    // Storage blocked: the upload still works, it only cannot be resumed after a reload.
  }
}

export type UploadPhase = 'idle' | 'hashing' | 'uploading' | 'paused' | 'uploaded' | 'failed' | 'cancelled';

export interface UploadState {
  phase: UploadPhase;
  fileName: string | null;
  size: number;
  /** Bytes hashed (while hashing) or held by the server (while uploading). */
  done: number;
  sha256: string | null;
  mime: string | null;
  problem: { kind: 'tooLarge' | 'empty' | 'refused' | 'failed'; detail: string } | null;
  /** The picked file is not the one left unfinished: it starts afresh. */
  differentFile: boolean;
  resume: ResumeRecord | null;
}

export interface UploadFlowDeps {
  userId: string;
  /** The signed-in user's token (read from the device account when needed: it may have been refreshed). */
  token: () => Promise<string | null> | string | null;
  storage?: Storage | undefined;
  fetch?: FetchLike;
  chunkBytes?: number;
  onChange: (state: UploadState) => void;
}

/** One file through hashing, resumable upload, pause on a lost connection, resume and cancel. */
export class MaterialUploadFlow {
  private state: UploadState;
  private file: File | Blob | null = null;
  private controller: AbortController | null = null;
  private uploadId: string | null = null;

  constructor(private readonly deps: UploadFlowDeps) {
    this.state = {
      phase: 'idle',
      fileName: null,
      size: 0,
      done: 0,
      sha256: null,
      mime: null,
      problem: null,
      differentFile: false,
      resume: loadResume(deps.storage, deps.userId),
    };
    deps.onChange(this.state);
  }

  get current(): UploadState {
    return this.state;
  }

  private set(changes: Partial<UploadState>): void {
    this.state = { ...this.state, ...changes };
    this.deps.onChange(this.state);
  }

  async pick(file: File | Blob, name = file instanceof File ? file.name : 'tai-lieu'): Promise<void> {
    this.controller?.abort();
    this.file = file;
    this.uploadId = null;
    this.set({ phase: 'idle', fileName: name, size: file.size, done: 0, sha256: null, mime: null, problem: null, differentFile: false });
    if (file.size === 0) return this.set({ phase: 'failed', problem: { kind: 'empty', detail: '' } });
    if (file.size > MATERIAL_MAX_BYTES) return this.set({ phase: 'failed', problem: { kind: 'tooLarge', detail: '' } });

    const controller = new AbortController();
    this.controller = controller;
    this.set({ phase: 'hashing' });
    let sha256: string;
    try {
      sha256 = await sha256OfBlob(file, { signal: controller.signal, onProgress: (done) => this.set({ done }) });
    } catch (error) {
      if (controller.signal.aborted) return;
      return this.set({ phase: 'failed', problem: { kind: 'failed', detail: error instanceof Error ? error.message : String(error) } });
    }
    const resume = this.state.resume;
    if (resume && resume.sha256 === sha256) {
      this.uploadId = resume.uploadId;
    } else if (resume) {
      // Another file than the unfinished one: that upload is given up, so it does not hold space until it expires.
      const token = await this.deps.token();
      if (token) void cancelUpload({ token, uploadId: resume.uploadId, ...(this.deps.fetch ? { fetch: this.deps.fetch } : {}) });
      saveResume(this.deps.storage, this.deps.userId, null);
      this.set({ resume: null, differentFile: true });
    }
    this.set({ sha256 });
    await this.upload();
  }

  /** Continues after a lost connection (the server keeps what it received). */
  async resume(): Promise<void> {
    if (this.state.phase !== 'paused' || !this.file) return;
    await this.upload();
  }

  async cancel(): Promise<void> {
    this.controller?.abort(new DOMException('cancelled', 'AbortError'));
    const token = await this.deps.token();
    const uploadId = this.uploadId ?? this.state.resume?.uploadId ?? null;
    if (token && uploadId) await cancelUpload({ token, uploadId, ...(this.deps.fetch ? { fetch: this.deps.fetch } : {}) });
    saveResume(this.deps.storage, this.deps.userId, null);
    this.uploadId = null;
    this.set({ phase: this.file ? 'cancelled' : 'idle', resume: null, done: 0 });
  }

  private async upload(): Promise<void> {
    const file = this.file;
    const sha256 = this.state.sha256;
    const token = await this.deps.token();
    if (!file || !sha256) return;
    if (!token) return this.set({ phase: 'paused' });
    const controller = new AbortController();
    this.controller = controller;
    const name = this.state.fileName ?? 'tai-lieu';
    this.set({ phase: 'uploading', problem: null });
    try {
      const result = await uploadFile({
        token,
        data: file,
        sha256,
        mime: file.type,
        name,
        purpose: 'material',
        uploadId: this.uploadId,
        signal: controller.signal,
        ...(this.deps.fetch ? { fetch: this.deps.fetch } : {}),
        ...(this.deps.chunkBytes ? { chunkBytes: this.deps.chunkBytes } : {}),
        onUploadId: (uploadId) => {
          this.uploadId = uploadId;
          const record = { sha256, name, size: file.size, uploadId, sent: 0 };
          saveResume(this.deps.storage, this.deps.userId, record);
          this.set({ resume: record });
        },
        onProgress: (sent) => {
          this.set({ done: sent });
          if (this.uploadId) {
            const record = { sha256, name, size: file.size, uploadId: this.uploadId, sent };
            saveResume(this.deps.storage, this.deps.userId, record);
          }
        },
      });
      saveResume(this.deps.storage, this.deps.userId, null);
      this.set({ phase: 'uploaded', mime: result.mime, done: file.size, resume: null });
    } catch (error) {
      if (controller.signal.aborted) return;
      if (error instanceof NetworkError) return this.set({ phase: 'paused' });
      if (error instanceof ApiError && (error.status >= 500 || error.status === 408 || error.status === 429)) {
        return this.set({ phase: 'paused' });
      }
      saveResume(this.deps.storage, this.deps.userId, null);
      this.set({
        phase: 'failed',
        resume: null,
        problem: { kind: error instanceof ApiError ? 'refused' : 'failed', detail: error instanceof Error ? error.message : String(error) },
      });
    }
  }

  /** Forgets an unfinished upload left from an earlier visit (and tells the server). */
  async discardResume(): Promise<void> {
    const resume = this.state.resume;
    if (!resume) return;
    const token = await this.deps.token();
    if (token) await cancelUpload({ token, uploadId: resume.uploadId, ...(this.deps.fetch ? { fetch: this.deps.fetch } : {}) });
    saveResume(this.deps.storage, this.deps.userId, null);
    this.set({ resume: null });
  }
}
