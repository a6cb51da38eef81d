import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/server/app';
import { loadConfig } from '../../../src/server/config';
import { CHUNK_CONTENT_TYPE } from '../../../src/shared/files/upload';
import { signIn } from '../../helpers/app';
import { testDbKinds, type TestDb } from '../../helpers/db';
import { createFixture, type Fixture } from '../../helpers/fixtures';
import { docxBytes, elfBytes, exeBytes, jpegBytes, pdfBytes, pngBytes, sha256Hex } from '../../helpers/file-fixtures';

type Headers = Record<string, string>;

describe.each(testDbKinds())('file uploads on $kind', ({ open }) => {
  let db: TestDb;
  let f: Fixture;
  let dataDir: string;
  let app: FastifyInstance;
  const tokens = new Map<string, Headers>();

  async function startApp(env: Record<string, string> = {}): Promise<FastifyInstance> {
    const a = await buildApp({
      config: loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir, UPLOAD_QUOTA_MB: '1', ...env }),
      db,
      logger: false,
    });
    await a.ready();
    return a;
  }

  async function as(user: string): Promise<Headers> {
    let h = tokens.get(user);
    if (!h) {
      h = await signIn(app, user);
      tokens.set(user, h);
    }
    return h;
  }

  const start = (headers: Headers, bytes: Uint8Array, over: Record<string, unknown> = {}) =>
    app.inject({
      method: 'POST',
      url: '/api/files/uploads',
      headers,
      payload: { sha256: sha256Hex(bytes), size: bytes.length, mime: 'application/pdf', name: 'tai-lieu.pdf', purpose: 'material', ...over },
    });

  const patch = (headers: Headers, id: string, offset: number, chunk: Uint8Array) =>
    app.inject({
      method: 'PATCH',
      url: `/api/files/uploads/${id}`,
      headers: { ...headers, 'content-type': CHUNK_CONTENT_TYPE, 'upload-offset': String(offset) },
      payload: Buffer.from(chunk),
    });

  /** The whole client flow: announce, then chunks from the server's offset. */
  async function upload(headers: Headers, bytes: Uint8Array, over: Record<string, unknown> = {}, chunk = 64 * 1024) {
    const res = await start(headers, bytes, over);
    if (res.statusCode !== 201) return res;
    const { uploadId } = res.json() as { uploadId: string };
    let offset = (res.json() as { offset: number }).offset;
    for (;;) {
      const r = await patch(headers, uploadId, offset, bytes.subarray(offset, offset + chunk));
      if (r.statusCode !== 200) return r;
      const body = r.json() as { offset: number; complete?: boolean };
      if (body.complete) return r;
      offset = body.offset;
    }
  }

  const storedPath = (sha: string) => path.join(dataDir, 'files', sha.slice(0, 2), sha);
  const tempPath = (id: string) => path.join(dataDir, 'files', 'tmp', id);
  const storedRows = async () => db.kysely.selectFrom('stored_files').selectAll().execute();
  const readFile = async (headers: Headers, sha: string, extra: Headers = {}) =>
    app.inject({ method: 'GET', url: `/api/files/${sha}`, headers: { ...headers, ...extra } });

  beforeAll(async () => {
    db = await open();
    f = await createFixture(db.kysely);
  });
  afterAll(async () => {
    await db?.drop();
  });
  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'files-upload-'));
    tokens.clear();
    // One database for the file, a fresh file store per test: the file tables start empty with it.
    for (const table of ['uploads', 'stored_files', 'file_uploaders'] as const) await db.kysely.deleteFrom(table).execute();
    app = await startApp();
  });
  afterEach(async () => {
    await app?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('resumes an interrupted upload from the server offset, also after a restart, and stores the exact bytes', async () => {
    const principal = await as('principala');
    const bytes = pdfBytes(300 * 1024);
    const sha = sha256Hex(bytes);
    const created = await start(principal, bytes);
    expect(created.statusCode).toBe(201);
    const { uploadId, offset } = created.json() as { uploadId: string; offset: number };
    expect(offset).toBe(0);

    expect((await patch(principal, uploadId, 0, bytes.subarray(0, 100_000))).json()).toEqual({ offset: 100_000 });
    // The connection drops in the middle of the next chunk: what arrived stays on disk, and the temp's size is the truth.
    fs.appendFileSync(tempPath(uploadId), bytes.subarray(100_000, 150_000));
    // The server restarts.
    await app.close();
    app = await startApp();
    tokens.clear();
    const again = await as('principala');
    const status = await app.inject({ method: 'GET', url: `/api/files/uploads/${uploadId}`, headers: again });
    expect(status.json()).toEqual({ offset: 150_000, size: bytes.length });

    // A chunk sent for the old offset is refused with where to continue, and writes nothing.
    const stale = await patch(again, uploadId, 100_000, bytes.subarray(100_000, 200_000));
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ error: 'conflict', offset: 150_000 });
    // Announcing the same file again (a reload lost the id) finds the same upload and offset.
    expect((await start(again, bytes)).json()).toEqual({ uploadId, offset: 150_000 });

    const last = await patch(again, uploadId, 150_000, bytes.subarray(150_000));
    expect(last.statusCode).toBe(200);
    expect(last.json()).toEqual({ offset: bytes.length, complete: true, sha256: sha, mime: 'application/pdf' });
    expect(fs.existsSync(tempPath(uploadId))).toBe(false);
    expect(Buffer.compare(fs.readFileSync(storedPath(sha)), Buffer.from(bytes))).toBe(0);

    const got = await readFile(again, sha);
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect(got.headers['cache-control']).toBe('private, max-age=31536000, immutable');
    expect(got.rawPayload.equals(Buffer.from(bytes))).toBe(true);
    // The upload is finished: it cannot be continued or asked about.
    expect((await app.inject({ method: 'GET', url: `/api/files/uploads/${uploadId}`, headers: again })).statusCode).toBe(404);
  });

  it('keeps what arrived when a real connection drops in the middle of a chunk, and continues from there', async () => {
    const principal = await as('principala');
    const bytes = pdfBytes(800 * 1024);
    const created = await start(principal, bytes);
    expect(created.statusCode).toBe(201);
    const { uploadId } = created.json() as { uploadId: string };
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const url = new URL(`/api/files/uploads/${uploadId}`, address);
    // The whole file is announced as one chunk, but the socket dies after 400 KiB has gone out.
    await new Promise<void>((resolve) => {
      const req = http.request(url, {
        method: 'PATCH',
        headers: { ...principal, 'content-type': CHUNK_CONTENT_TYPE, 'upload-offset': '0', 'content-length': String(bytes.length) },
      });
      req.on('error', () => undefined);
      req.on('close', () => resolve());
      req.write(Buffer.from(bytes.subarray(0, 400 * 1024)));
      const waitForDisk = setInterval(() => {
        const size = fs.existsSync(tempPath(uploadId)) ? fs.statSync(tempPath(uploadId)).size : 0;
        if (size > 0) {
          clearInterval(waitForDisk);
          req.destroy();
        }
      }, 5);
      req.on('close', () => clearInterval(waitForDisk));
    });
    // The server notices the drop; the offset it reports is what reached the disk, never more than was sent.
    let offset = 0;
    for (let i = 0; i < 100; i++) {
      await new Promise((r) => setTimeout(r, 20));
      offset = ((await app.inject({ method: 'GET', url: `/api/files/uploads/${uploadId}`, headers: principal })).json() as { offset: number }).offset;
      if (offset === fs.statSync(tempPath(uploadId)).size && offset > 0) break;
    }
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThanOrEqual(400 * 1024);
    expect(Buffer.compare(fs.readFileSync(tempPath(uploadId)), Buffer.from(bytes.subarray(0, offset)))).toBe(0);
    const rest = await patch(principal, uploadId, offset, bytes.subarray(offset));
    expect(rest.json()).toMatchObject({ complete: true, sha256: sha256Hex(bytes) });
    expect(fs.readFileSync(storedPath(sha256Hex(bytes))).equals(Buffer.from(bytes))).toBe(true);
  });

  it('answers byte ranges of a stored file', async () => {
    const principal = await as('principala');
    const bytes = pdfBytes(5000);
    const sha = sha256Hex(bytes);
    expect((await upload(principal, bytes)).statusCode).toBe(200);
    const part = await readFile(principal, sha, { range: 'bytes=10-19' });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 10-19/${bytes.length}`);
    expect(part.headers['accept-ranges']).toBe('bytes');
    expect(part.rawPayload.equals(Buffer.from(bytes.subarray(10, 20)))).toBe(true);
    const tail = await readFile(principal, sha, { range: 'bytes=-100' });
    expect(tail.rawPayload.equals(Buffer.from(bytes.subarray(bytes.length - 100)))).toBe(true);
    expect((await readFile(principal, sha, { range: 'bytes=9000-' })).statusCode).toBe(416);
  });

  it('stores the same file once, however many users upload it', async () => {
    const bytes = pdfBytes(80 * 1024);
    const sha = sha256Hex(bytes);
    expect((await upload(await as('principala'), bytes)).statusCode).toBe(200);
    const officer = await as('officerdept');
    // The second uploader is told at once that the file is there: no byte is sent again.
    const second = await start(officer, bytes, { name: 'ban-sao.pdf' });
    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual({ complete: true, sha256: sha, mime: 'application/pdf' });
    expect(await storedRows()).toHaveLength(1);
    expect(fs.readdirSync(path.dirname(storedPath(sha)))).toEqual([sha]);
    expect((await readFile(officer, sha)).statusCode).toBe(200);
    // A stored PDF is not a signature, whoever claims it as one.
    const asSignature = await start(await as('teachera'), bytes, { purpose: 'signature', mime: 'image/png' });
    expect(asSignature.statusCode).toBe(422);
    expect(asSignature.json()).toMatchObject({ error: 'unsupported_type' });
  });

  it('refuses an executable renamed .pdf, and a Windows one, from their bytes, leaving nothing behind', async () => {
    const principal = await as('principala');
    for (const bytes of [elfBytes(), exeBytes()]) {
      const res = await upload(principal, bytes, { name: 'ke-hoach.pdf', mime: 'application/pdf' });
      expect(res.statusCode).toBe(422);
      const body = res.json() as { error: string; message: string };
      expect(body.error).toBe('unsupported_type');
      expect(body.message).toMatch(/chỉ nhận PDF/);
      expect(fs.existsSync(storedPath(sha256Hex(bytes)))).toBe(false);
      expect((await readFile(principal, sha256Hex(bytes))).statusCode).toBe(404);
    }
    expect(await storedRows()).toHaveLength(0);
    expect(await db.kysely.selectFrom('uploads').selectAll().execute()).toHaveLength(0);
    expect(fs.readdirSync(path.join(dataDir, 'files', 'tmp'))).toEqual([]);
    // A real Word document and a JPEG photo pass.
    expect((await upload(principal, docxBytes(), { name: 'giao-an.docx' })).json()).toMatchObject({
      mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    });
    const teacher = await as('teachera');
    expect((await upload(teacher, jpegBytes(), { purpose: 'evidence', name: 'anh.jpg' })).json()).toMatchObject({ mime: 'image/jpeg' });
    // A PDF is not an evidence photo, whatever it is called.
    expect((await upload(teacher, pdfBytes(), { purpose: 'evidence', name: 'anh.jpg', mime: 'image/jpeg' })).statusCode).toBe(422);
  });

  it('refuses a file over its size limit with a clear message, before any byte is sent', async () => {
    const teacher = await as('teachera');
    const res = await start(teacher, pngBytes(), { purpose: 'evidence', size: 11 * 1024 * 1024 });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: 'file_too_large' });
    expect((res.json() as { message: string }).message).toMatch(/vượt quá giới hạn 10 MB/);
    const signature = await start(teacher, pngBytes(), { purpose: 'signature', size: 300 * 1024 });
    expect((signature.json() as { message: string }).message).toMatch(/200 KB/);
    // Bytes past the declared size are refused, and the upload stays where it was.
    const bytes = pngBytes(1000);
    const created = (await start(teacher, bytes, { purpose: 'evidence' })).json() as { uploadId: string };
    const over = await patch(teacher, created.uploadId, 0, pngBytes(2000));
    expect(over.statusCode).toBe(413);
    const status = await app.inject({ method: 'GET', url: `/api/files/uploads/${created.uploadId}`, headers: teacher });
    expect(status.json()).toEqual({ offset: 0, size: 1000 });
  });

  it('refuses content whose hash is not the declared one', async () => {
    const principal = await as('principala');
    const bytes = pdfBytes(2000);
    const other = pdfBytes(2000);
    const created = (await start(principal, bytes)).json() as { uploadId: string };
    const res = await patch(principal, created.uploadId, 0, other);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ error: 'hash_mismatch' });
    expect(await storedRows()).toHaveLength(0);
    expect(fs.existsSync(storedPath(sha256Hex(bytes)))).toBe(false);
    expect(fs.existsSync(storedPath(sha256Hex(other)))).toBe(false);
  });

  it('shows no half file after a crash mid-upload, and clears abandoned uploads at start', async () => {
    const principal = await as('principala');
    const bytes = pdfBytes(200 * 1024);
    const sha = sha256Hex(bytes);
    const { uploadId } = (await start(principal, bytes)).json() as { uploadId: string };
    await patch(principal, uploadId, 0, bytes.subarray(0, 120 * 1024));
    // The process dies here. What is on disk is a temporary file, never a file under its hash.
    await app.close();
    app = await startApp();
    tokens.clear();
    expect(fs.statSync(tempPath(uploadId)).size).toBe(120 * 1024);
    expect(fs.existsSync(storedPath(sha))).toBe(false);
    expect((await readFile(await as('principala'), sha)).statusCode).toBe(404);
    expect((await readFile(await as('admin'), sha)).statusCode).toBe(404);
    // A temp file no upload knows, and an upload past its expiry, are removed at the next start.
    fs.writeFileSync(tempPath('0190a0a0-0000-7000-8000-000000000000'), 'orphan');
    await db.kysely.updateTable('uploads').set({ expires_at: '2000-01-01T00:00:00.000Z' }).where('id', '=', uploadId).execute();
    await app.close();
    app = await startApp();
    expect(fs.readdirSync(path.join(dataDir, 'files', 'tmp'))).toEqual([]);
    expect(await db.kysely.selectFrom('uploads').selectAll().execute()).toHaveLength(0);
  });

  it('keeps each uploader within their quota of material files', async () => {
    const officer = await as('officerdept');
    expect((await upload(officer, pdfBytes(600 * 1024))).statusCode).toBe(200);
    const res = await start(officer, pdfBytes(600 * 1024));
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: 'quota_exceeded' });
    expect((res.json() as { message: string }).message).toMatch(/hạn mức/);
    // Photos of drills are not materials: they do not count.
    const teacher = await as('teachera');
    expect((await upload(teacher, jpegBytes(600 * 1024), { purpose: 'evidence' })).statusCode).toBe(200);
    expect((await upload(teacher, jpegBytes(600 * 1024), { purpose: 'evidence' })).statusCode).toBe(200);
  });

  it('lets only the right roles upload, and keeps uploads and files to whoever may see them', async () => {
    const teacher = await as('teachera');
    // A teacher cannot put anything in a library.
    expect((await start(teacher, pdfBytes())).statusCode).toBe(403);
    // Officers and trainers have no drill photos or signatures to send.
    expect((await start(await as('officerdept'), pngBytes(), { purpose: 'evidence' })).statusCode).toBe(403);
    expect((await start(await as('trainer'), pdfBytes())).statusCode).toBe(201);
    expect((await start(await as('nobody'), pngBytes(), { purpose: 'evidence' })).statusCode).toBe(403);

    const photo = pngBytes(3000);
    const created = (await start(teacher, photo, { purpose: 'evidence', mime: 'image/png' })).json() as { uploadId: string };
    const stranger = await as('teacherb');
    // Someone else's upload is as good as missing.
    for (const method of ['GET', 'DELETE'] as const) {
      const r = await app.inject({ method, url: `/api/files/uploads/${created.uploadId}`, headers: stranger });
      expect(r.statusCode).toBe(404);
    }
    expect((await patch(stranger, created.uploadId, 0, photo)).statusCode).toBe(404);
    expect((await patch(teacher, created.uploadId, 0, photo)).json()).toMatchObject({ complete: true, mime: 'image/png' });
    expect((await readFile(teacher, sha256Hex(photo))).statusCode).toBe(200);
    // Not referenced by anything teacher B may read: the same answer as a file that does not exist.
    const denied = await readFile(stranger, sha256Hex(photo));
    const missing = await readFile(stranger, sha256Hex(pngBytes(10)));
    expect(denied.statusCode).toBe(404);
    expect(denied.body).toBe(missing.body);
  });

  it('lets whoever may see a material read its file, and no one else', async () => {
    const principal = await as('principala');
    const bytes = pdfBytes(4000);
    const sha = sha256Hex(bytes);
    expect((await upload(principal, bytes)).statusCode).toBe(200);
    const teacherA = await as('teachera');
    const teacherB = await as('teacherb');
    // Not yet referenced by anything they may read.
    expect((await readFile(teacherA, sha)).statusCode).toBe(404);
    const published = await app.inject({
      method: 'POST',
      url: '/api/materials',
      headers: principal,
      payload: { sha256: sha, title: 'Tài liệu PCCC của trường', ownerUnitId: f.schoolA, schoolId: f.schoolA },
    });
    expect(published.statusCode, published.body).toBe(201);
    // A school's own material: its teachers read the file, another school's do not.
    expect((await readFile(teacherA, sha)).statusCode).toBe(200);
    expect((await readFile(teacherB, sha)).statusCode).toBe(404);
  });

  it('cancels an upload and forgets its bytes', async () => {
    const principal = await as('principala');
    const bytes = pdfBytes(50_000);
    const { uploadId } = (await start(principal, bytes)).json() as { uploadId: string };
    await patch(principal, uploadId, 0, bytes.subarray(0, 10_000));
    const del = await app.inject({ method: 'DELETE', url: `/api/files/uploads/${uploadId}`, headers: principal });
    expect(del.statusCode).toBe(204);
    expect(fs.existsSync(tempPath(uploadId))).toBe(false);
    expect((await app.inject({ method: 'GET', url: `/api/files/uploads/${uploadId}`, headers: principal })).statusCode).toBe(404);
  });
});
