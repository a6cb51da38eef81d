import {
  CHUNK_CONTENT_TYPE,
  CLIENT_CHUNK_BYTES,
  ChunkResponseSchema,
  UploadStartResponseSchema,
  UploadStatusSchema,
  type FilePurpose,
} from '../../shared/files/upload';
import { ApiError, NetworkError, type FetchLike } from '../api';

export interface UploadOptions {
  token: string;
  /** A picked File (read slice by slice) or bytes kept on the device. */
  data: Blob | ArrayBuffer;
  sha256: string;
  mime: string;
  name: string;
  purpose: FilePurpose;
  /** An upload started earlier (kept across a reload): continued from the server's offset. */
  uploadId?: string | null;
  /** Told the upload's id as soon as the server gives it, to keep for a resume after a reload. */
  onUploadId?: (uploadId: string) => void;
  /** Bytes the server holds, after each chunk. */
  onProgress?: (sent: number, total: number) => void;
  signal?: AbortSignal;
  fetch?: FetchLike;
  baseUrl?: string;
  chunkBytes?: number;
  /** A request with no answer after this long is abandoned (then retried by the caller, from the server's offset). */
  timeoutMs?: number;
}

export interface UploadResult {
  sha256: string;
  /** The type the server found in the bytes. */
  mime: string;
}

/**
 * Uploads one file with the resumable protocol of src/shared/files/upload.ts: announce it (the server may already
 * have it: then nothing is sent), then 4 MiB chunks from wherever the server stands. A 409 moves to the server's
 * offset; an upload the server forgot (expired, 404) starts again. Throws `ApiError` for a refusal (the server's
 * message: wrong type, too large, over quota), `NetworkError` when the connection failed (try again later: the
 * bytes received so far are kept), and the signal's reason when cancelled.
 */
export async function uploadFile(options: UploadOptions): Promise<UploadResult> {
  const doFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const base = options.baseUrl ?? '';
  const chunkBytes = options.chunkBytes ?? CLIENT_CHUNK_BYTES;
  const size = options.data instanceof Blob ? options.data.size : options.data.byteLength;
  const timeoutMs = options.timeoutMs ?? 120_000;

  async function request(method: string, path: string, body?: BodyInit, headers: Record<string, string> = {}): Promise<Response> {
    options.signal?.throwIfAborted();
    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort);
    const timer = setTimeout(() => controller.abort(new DOMException('timeout', 'TimeoutError')), timeoutMs);
    try {
      return await doFetch(base + path, {
        method,
        headers: { accept: 'application/json', authorization: `Bearer ${options.token}`, ...headers },
        ...(body === undefined ? {} : { body }),
        signal: controller.signal,
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason ?? error;
      throw new NetworkError(error);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  async function json(response: Response): Promise<unknown> {
    try {
      return await response.json();
    } catch (error) {
      throw new NetworkError(error);
    }
  }

  async function failure(response: Response): Promise<ApiError> {
    const body = (await response.json().catch(() => null)) as { error?: unknown; message?: unknown } | null;
    return new ApiError(
      response.status,
      typeof body?.error === 'string' ? body.error : 'http_error',
      typeof body?.message === 'string' ? body.message : `Máy chủ báo lỗi ${response.status} (server error ${response.status})`,
    );
  }

  const slice = async (start: number, end: number): Promise<Blob | ArrayBuffer> =>
    options.data instanceof Blob ? options.data.slice(start, end) : options.data.slice(start, end);

  let uploadId = options.uploadId ?? null;
  let offset = 0;
  let restarts = 0;

  if (uploadId) {
    const res = await request('GET', `/api/files/uploads/${uploadId}`);
    if (res.ok) offset = UploadStatusSchema.parse(await json(res)).offset;
    else if (res.status === 404) uploadId = null;
    else throw await failure(res);
  }

  for (;;) {
    if (!uploadId) {
      const res = await request(
        'POST',
        '/api/files/uploads',
        JSON.stringify({ sha256: options.sha256, size, mime: options.mime, name: options.name, purpose: options.purpose }),
        { 'content-type': 'application/json' },
      );
      if (!res.ok) throw await failure(res);
      const started = UploadStartResponseSchema.parse(await json(res));
      if ('complete' in started) {
        options.onProgress?.(size, size);
        return { sha256: started.sha256, mime: started.mime };
      }
      uploadId = started.uploadId;
      offset = started.offset;
      options.onUploadId?.(uploadId);
    }
    options.onProgress?.(offset, size);

    const res = await request(
      'PATCH',
      `/api/files/uploads/${uploadId}`,
      await slice(offset, Math.min(size, offset + chunkBytes)),
      { 'content-type': CHUNK_CONTENT_TYPE, 'upload-offset': String(offset) },
    );
    if (res.status === 409) {
      const body = (await json(res)) as { offset?: unknown };
      if (typeof body.offset !== 'number') throw await failure(res);
      offset = body.offset;
      continue;
    }
    if (res.status === 404 && restarts < 2) {
      // The server forgot the upload (expired), or finished it and the answer was lost: announce it again.
      restarts += 1;
      uploadId = null;
      continue;
    }
    if (!res.ok) throw await failure(res);
    const answer = ChunkResponseSchema.parse(await json(res));
    if ('complete' in answer) {
      options.onProgress?.(size, size);
      return { sha256: answer.sha256, mime: answer.mime };
    }
    offset = answer.offset;
  }
}

/** Tells the server to forget an upload (the user cancelled it); a failure here only leaves it to expire. */
export async function cancelUpload(options: { token: string; uploadId: string; fetch?: FetchLike; baseUrl?: string }): Promise<void> {
  const doFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  try {
    await doFetch(`${options.baseUrl ?? ''}/api/files/uploads/${options.uploadId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${options.token}` },
      credentials: 'omit',
    });
  } catch {
    // Offline: the server removes abandoned uploads after a week.
  }
}
