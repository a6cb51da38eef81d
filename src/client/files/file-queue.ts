import type { Table } from 'dexie';
import type { FilePurpose } from '../../shared/files/upload';
import { ApiError, type FetchLike } from '../api';
import type { TruongAnDb } from '../db/database';
import { sha256OfBytes } from './sha256';
import { uploadFile } from './uploader';

export type QueuedFileState = 'pending' | 'uploaded' | 'rejected';

/**
 * A file made on this device (a drill photo, a signature) waiting to upload, or kept after upload so it can be shown
 * offline. The bytes are an ArrayBuffer: Safari cannot keep Blobs in IndexedDB reliably. Keyed by sha256, so queueing
 * the same bytes twice keeps one entry.
 */
export interface QueuedFile {
  sha256: string;
  /** Whose token uploads it: the user who took the photo or collected the signature. */
  userId: string;
  purpose: FilePurpose;
  mime: string;
  size: number;
  name: string;
  bytes: ArrayBuffer;
  state: QueuedFileState;
  /** The server's upload, to continue from its offset after an interruption. */
  uploadId?: string;
  offset?: number;
  /** The server's reason, for a rejected file ("Cần xử lý"). */
  error?: string;
  createdAt: string;
  uploadedAt?: string;
}

export function filesTable(db: TruongAnDb): Table<QueuedFile, string> {
  return db.table('files');
}

export interface QueueFileInput {
  bytes: ArrayBuffer;
  mime: string;
  purpose: FilePurpose;
  userId: string;
  name?: string;
}

/**
 * Keeps a file on the device and queues it for upload; returns its sha256, which the mutation that uses the file
 * (drill.record's photos, commitment.sign's signature) carries. Call it before that mutation: the bytes are then on
 * the device before anything refers to them.
 */
export async function queueFile(db: TruongAnDb, input: QueueFileInput): Promise<string> {
  const sha256 = sha256OfBytes(input.bytes);
  const table = filesTable(db);
  await db.transaction('rw', table, async () => {
    const existing = await table.get(sha256);
    // The same bytes again (a photo re-attached): one entry, whatever it has become. A rejected one is tried again.
    if (existing && existing.state !== 'rejected') return;
    await table.put({
      sha256,
      userId: input.userId,
      purpose: input.purpose,
      mime: input.mime,
      size: input.bytes.byteLength,
      name: input.name ?? `${input.purpose}-${sha256.slice(0, 12)}`,
      // A copy: the caller's buffer may be transferred or reused after this returns.
      bytes: input.bytes.slice(0),
      state: 'pending',
      createdAt: new Date().toISOString(),
    });
  });
  return sha256;
}

/** The server's URL of a file, for showing it online. */
export function fileUrl(sha256: string): string {
  return `/api/files/${sha256}`;
}

/**
 * An object URL of the file's bytes on this device (to show a photo or a signature offline), or null when the device
 * does not hold it. The caller revokes it (URL.revokeObjectURL) when done.
 */
export async function localFileUrl(db: TruongAnDb, sha256: string): Promise<string | null> {
  const entry = await filesTable(db).get(sha256);
  if (!entry) return null;
  return URL.createObjectURL(new Blob([entry.bytes], { type: entry.mime }));
}

/** Files waiting to upload (all users on the device, or one): the sync status shows "2 ảnh chờ tải lên". */
export async function countPendingFiles(db: TruongAnDb, userId?: string): Promise<number> {
  const pending = filesTable(db).where('state').equals('pending');
  return userId ? pending.filter((f) => f.userId === userId).count() : pending.count();
}

export async function listRejectedFiles(db: TruongAnDb): Promise<Omit<QueuedFile, 'bytes'>[]> {
  const rejected = await filesTable(db).where('state').equals('rejected').toArray();
  return rejected.map(({ bytes: _bytes, ...rest }) => rest);
}

/** Drops a rejected file from the device (the user gave up on it). */
export async function discardRejectedFile(db: TruongAnDb, sha256: string): Promise<void> {
  await db.transaction('rw', filesTable(db), async () => {
    const entry = await filesTable(db).get(sha256);
    if (entry?.state === 'rejected') await filesTable(db).delete(sha256);
  });
}

/**
 * Frees device storage: uploaded files, oldest first, until those left weigh at most `keepBytes`. Pending and rejected
 * files are never touched (their bytes exist nowhere else). An evicted photo is shown from the server (fileUrl) online.
 */
export async function evictUploadedFiles(db: TruongAnDb, keepBytes: number): Promise<number> {
  const table = filesTable(db);
  return db.transaction('rw', table, async () => {
    const uploaded = (await table.where('state').equals('uploaded').toArray()).sort((a, b) =>
      (a.uploadedAt ?? a.createdAt).localeCompare(b.uploadedAt ?? b.createdAt),
    );
    let total = uploaded.reduce((sum, f) => sum + f.size, 0);
    const evict: string[] = [];
    for (const file of uploaded) {
      if (total <= keepBytes) break;
      evict.push(file.sha256);
      total -= file.size;
    }
    await table.bulkDelete(evict);
    return evict.length;
  });
}

export interface FileUploadOutcome {
  uploaded: number;
  rejected: number;
}

export interface UploadPendingOptions {
  db: TruongAnDb;
  /** Usable tokens by user id: files of users without one wait until they sign in again. */
  tokens: ReadonlyMap<string, string>;
  fetch?: FetchLike;
  baseUrl?: string;
  signal?: AbortSignal;
}

/**
 * Uploads the pending files of every user who has a usable token, smallest first (a signature should not wait behind
 * a video). A refusal (wrong type, too large) marks the file rejected with the server's words; a network failure
 * stops the run and is thrown, leaving the file pending with its upload id so the next run continues where it stopped.
 */
export async function uploadPendingFiles(options: UploadPendingOptions): Promise<FileUploadOutcome> {
  const { db } = options;
  const table = filesTable(db);
  const outcome: FileUploadOutcome = { uploaded: 0, rejected: 0 };
  const pending = (await table.where('state').equals('pending').toArray()).sort((a, b) => a.size - b.size);
  const refused = new Set<string>();
  for (const file of pending) {
    const token = options.tokens.get(file.userId);
    if (!token || refused.has(file.userId)) continue;
    try {
      await uploadFile({
        token,
        data: file.bytes,
        sha256: file.sha256,
        mime: file.mime,
        name: file.name,
        purpose: file.purpose,
        uploadId: file.uploadId ?? null,
        onUploadId: (uploadId) => void table.update(file.sha256, { uploadId }),
        onProgress: (sent) => void table.update(file.sha256, { offset: sent }),
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      // The bytes stay for showing the file offline; storage pressure may evict uploaded entries later.
      await table.update(file.sha256, { state: 'uploaded', uploadedAt: new Date().toISOString(), offset: file.size, error: undefined });
      outcome.uploaded += 1;
    } catch (error) {
      // 401: the token died mid-run; this user's files wait for the next sign-in (the next push flags the account).
      if (error instanceof ApiError && error.status === 401) {
        refused.add(file.userId);
        continue;
      }
      // 408/429/5xx: try again later, like a network failure.
      if (error instanceof ApiError && error.status >= 400 && error.status < 500 && ![401, 408, 429].includes(error.status)) {
        await table.update(file.sha256, { state: 'rejected', error: error.message });
        outcome.rejected += 1;
        continue;
      }
      throw error;
    }
  }
  return outcome;
}
