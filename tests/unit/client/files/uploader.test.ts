import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ApiError, NetworkError } from '../../../../src/client/api';
import { sha256OfBlob, sha256OfBytes } from '../../../../src/client/files/sha256';
import { cancelUpload, uploadFile } from '../../../../src/client/files/uploader';
import { FakeUploadServer } from './fake-upload-server';

const TOKEN = 't'.repeat(43);
const hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function file(size: number) {
  const bytes = new Uint8Array(randomBytes(size));
  return { bytes, sha256: hex(bytes), buffer: bytes.buffer.slice(0) as ArrayBuffer };
}

const base = (server: FakeUploadServer, f: ReturnType<typeof file>) => ({
  token: TOKEN,
  data: f.buffer,
  sha256: f.sha256,
  mime: 'application/pdf',
  name: 'tai-lieu.pdf',
  purpose: 'material' as const,
  fetch: server.fetch,
  chunkBytes: 1000,
});

describe('sha256 in the browser', () => {
  it('hashes bytes and a Blob slice by slice to the same digest as Node', async () => {
    const f = file(9 * 1024 * 1024 + 123);
    expect(sha256OfBytes(f.buffer)).toBe(f.sha256);
    const progress: number[] = [];
    expect(await sha256OfBlob(new Blob([f.bytes]), { onProgress: (done) => progress.push(done) })).toBe(f.sha256);
    expect(progress).toEqual([4 * 1024 * 1024, 8 * 1024 * 1024, f.bytes.length]);
  });
});

describe('uploadFile', () => {
  it('sends the file in chunks with progress and the server assembles the exact bytes', async () => {
    const server = new FakeUploadServer();
    const f = file(3500);
    const progress: number[] = [];
    const result = await uploadFile({ ...base(server, f), onProgress: (sent) => progress.push(sent) });
    expect(result).toEqual({ sha256: f.sha256, mime: 'application/pdf' });
    expect(server.stored.get(f.sha256)?.bytes.equals(Buffer.from(f.bytes))).toBe(true);
    expect(server.log.filter((l) => l.startsWith('PATCH'))).toHaveLength(4);
    expect(progress.at(-1)).toBe(3500);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('resumes after the connection drops mid-chunk, from the server offset, without sending everything again', async () => {
    const server = new FakeUploadServer();
    const f = file(5000);
    let uploadId: string | null = null;
    server.dropNextChunkAfter = null;
    // The connection drops in the third chunk, after 400 of its bytes arrived.
    let patches = 0;
    const flaky: typeof server.fetch = async (input, init) => {
      if (init?.method === 'PATCH' && ++patches === 3) server.dropNextChunkAfter = 400;
      return server.fetch(input, init);
    };
    await expect(uploadFile({ ...base(server, f), fetch: flaky, onUploadId: (id) => (uploadId = id) })).rejects.toBeInstanceOf(
      NetworkError,
    );
    expect(uploadId).not.toBeNull();
    expect(server.received).toBe(2400);

    // Later (after a reload), with the kept upload id.
    const result = await uploadFile({ ...base(server, f), uploadId });
    expect(result.sha256).toBe(f.sha256);
    expect(server.received).toBe(5000);
    expect(server.stored.get(f.sha256)?.bytes.equals(Buffer.from(f.bytes))).toBe(true);
    expect(server.log.filter((l) => l.startsWith('POST'))).toHaveLength(1);
  });

  it('follows the server offset on a 409', async () => {
    const server = new FakeUploadServer();
    const f = file(2500);
    const first = await uploadFile({ ...base(server, f), chunkBytes: 1000, fetch: async (input, init) => {
      // Another tab sent the first chunk already: this one is told where to continue.
      if (init?.method === 'PATCH' && server.received === 0) {
        const id = [...server.uploads.keys()][0]!;
        await server.fetch(`/api/files/uploads/${id}`, {
          method: 'PATCH',
          headers: { authorization: `Bearer ${TOKEN}`, 'upload-offset': '0' },
          body: f.buffer.slice(0, 1000),
        });
      }
      return server.fetch(input, init);
    } });
    expect(first.sha256).toBe(f.sha256);
    expect(server.received).toBe(2500);
  });

  it('sends nothing when the server already has the file', async () => {
    const server = new FakeUploadServer();
    const f = file(1200);
    await uploadFile(base(server, f));
    server.log.length = 0;
    expect(await uploadFile(base(server, f))).toEqual({ sha256: f.sha256, mime: 'application/pdf' });
    expect(server.log).toEqual(['POST /api/files/uploads']);
  });

  it('reports a refusal with the server message', async () => {
    const server = new FakeUploadServer();
    server.mimeFor = {};
    const f = file(800);
    const error = await uploadFile({ ...base(server, f), purpose: 'evidence' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(422);
    expect((error as ApiError).message).toMatch(/chỉ nhận JPEG/);
    server.maxSize = 100;
    const tooBig = await uploadFile(base(server, file(800))).catch((e: unknown) => e);
    expect((tooBig as ApiError).status).toBe(413);
  });

  it('stops when cancelled, and the server can be told to forget the upload', async () => {
    const server = new FakeUploadServer();
    const f = file(10_000);
    const controller = new AbortController();
    let uploadId = '';
    const error = await uploadFile({
      ...base(server, f),
      signal: controller.signal,
      onUploadId: (id) => (uploadId = id),
      onProgress: (sent) => {
        if (sent >= 3000) controller.abort(new DOMException('cancelled', 'AbortError'));
      },
    }).catch((e: unknown) => e);
    expect((error as DOMException).name).toBe('AbortError');
    expect(server.received).toBe(3000);
    await cancelUpload({ token: TOKEN, uploadId, fetch: server.fetch });
    expect(server.uploads.size).toBe(0);
  });

  it('starts again when the server forgot the upload', async () => {
    const server = new FakeUploadServer();
    const f = file(1500);
    const result = await uploadFile({ ...base(server, f), uploadId: '0190a0a0-0000-7000-8000-000000000000' });
    expect(result.sha256).toBe(f.sha256);
    expect(server.log.slice(0, 2)).toEqual(['GET /api/files/uploads/0190a0a0-0000-7000-8000-000000000000', 'POST /api/files/uploads']);
  });
});
