import { createHash, randomUUID } from 'node:crypto';

interface Upload {
  id: string;
  userToken: string;
  sha256: string;
  size: number;
  purpose: string;
  bytes: Buffer;
}

/**
 * The server side of the upload protocol in memory (the real one is tested in
 * tests/integration/server/files-upload.test.ts): enough to drive the client through interruptions and refusals.
 */
export class FakeUploadServer {
  readonly uploads = new Map<string, Upload>();
  readonly stored = new Map<string, { bytes: Buffer; mime: string }>();
  readonly log: string[] = [];
  /** Bytes received in PATCH bodies, in all. */
  received = 0;
  /** The next PATCH keeps this many bytes of its chunk and then the connection "drops" (fetch rejects). */
  dropNextChunkAfter: number | null = null;
  /** Sniffed type of completed files by purpose: a purpose absent here refuses the file as the wrong type. */
  mimeFor: Record<string, string> = { material: 'application/pdf', evidence: 'image/jpeg', signature: 'image/png' };
  /** Refuse announcements bigger than this (413). */
  maxSize = Number.POSITIVE_INFINITY;

  readonly fetch = async (input: string, init: RequestInit = {}): Promise<Response> => {
    const method = init.method ?? 'GET';
    const url = new URL(input, 'http://local');
    this.log.push(`${method} ${url.pathname}`);
    init.signal?.throwIfAborted();
    const auth = new Headers(init.headers).get('authorization') ?? '';
    if (!auth.startsWith('Bearer ')) return json(401, { error: 'unauthorized', message: 'Cần đăng nhập' });
    const token = auth.slice(7);
    const m = /^\/api\/files\/uploads(?:\/([^/]+))?$/.exec(url.pathname);
    if (!m) return json(404, { error: 'not_found', message: 'Không tìm thấy' });
    const id = m[1];
    if (method === 'POST' && !id) {
      const body = JSON.parse(String(init.body)) as { sha256: string; size: number; purpose: string };
      if (body.size > this.maxSize) return json(413, { error: 'file_too_large', message: 'Tệp vượt quá giới hạn 10 MB' });
      const done = this.stored.get(body.sha256);
      if (done) return json(200, { complete: true, sha256: body.sha256, mime: done.mime });
      const upload: Upload = { id: randomUUID(), userToken: token, sha256: body.sha256, size: body.size, purpose: body.purpose, bytes: Buffer.alloc(0) };
      this.uploads.set(upload.id, upload);
      return json(201, { uploadId: upload.id, offset: 0 });
    }
    const upload = id ? this.uploads.get(id) : undefined;
    if (!upload || upload.userToken !== token) return json(404, { error: 'not_found', message: 'Không tìm thấy lượt tải lên' });
    if (method === 'GET') return json(200, { offset: upload.bytes.length, size: upload.size });
    if (method === 'DELETE') {
      this.uploads.delete(upload.id);
      return new Response(null, { status: 204 });
    }
    if (method === 'PATCH') {
      const offset = Number(new Headers(init.headers).get('upload-offset'));
      const chunk = Buffer.from(await bodyBytes(init.body));
      if (offset !== upload.bytes.length) return json(409, { error: 'conflict', message: 'offset', offset: upload.bytes.length });
      if (this.dropNextChunkAfter !== null) {
        const kept = chunk.subarray(0, this.dropNextChunkAfter);
        this.dropNextChunkAfter = null;
        upload.bytes = Buffer.concat([upload.bytes, kept]);
        this.received += kept.length;
        throw new TypeError('Failed to fetch');
      }
      upload.bytes = Buffer.concat([upload.bytes, chunk]);
      this.received += chunk.length;
      if (upload.bytes.length < upload.size) return json(200, { offset: upload.bytes.length });
      this.uploads.delete(upload.id);
      const mime = this.mimeFor[upload.purpose];
      if (!mime) return json(422, { error: 'unsupported_type', message: 'Nội dung tệp không nhận ra được: chỉ nhận JPEG, PNG, WebP' });
      if (createHash('sha256').update(upload.bytes).digest('hex') !== upload.sha256) {
        return json(422, { error: 'hash_mismatch', message: 'Nội dung nhận được không khớp mã SHA-256' });
      }
      this.stored.set(upload.sha256, { bytes: upload.bytes, mime });
      return json(200, { offset: upload.size, complete: true, sha256: upload.sha256, mime });
    }
    return json(405, { error: 'method', message: 'method' });
  };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

async function bodyBytes(body: unknown): Promise<ArrayBuffer> {
  if (body instanceof ArrayBuffer) return body;
  if (body instanceof Blob) return body.arrayBuffer();
  if (ArrayBuffer.isView(body)) return body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
  return new ArrayBuffer(0);
}
