import 'fake-indexeddb/auto';
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NetworkError } from '../../../../src/client/api';
import type { TruongAnDb } from '../../../../src/client/db/database';
import {
  countPendingFiles,
  discardRejectedFile,
  evictUploadedFiles,
  fileUrl,
  filesTable,
  listRejectedFiles,
  localFileUrl,
  queueFile,
  uploadPendingFiles,
} from '../../../../src/client/files/file-queue';
import { describeSyncStatus } from '../../../../src/client/components/sync/sync-status';
import { FakeServer } from '../sync/fake-server';
import { freshDb, makeEngine, signedInAccount } from '../sync/harness';
import { FakeUploadServer } from './fake-upload-server';

const photo = (size: number) => {
  const bytes = new Uint8Array(randomBytes(size));
  return { buffer: bytes.buffer.slice(0) as ArrayBuffer, sha256: createHash('sha256').update(bytes).digest('hex') };
};

describe('file queue', () => {
  let db: TruongAnDb;
  let uploads: FakeUploadServer;

  beforeEach(() => {
    db = freshDb();
    uploads = new FakeUploadServer();
  });
  afterEach(async () => {
    await db.delete();
  });

  it('keeps the bytes on the device under their sha256, once, and shows them offline', async () => {
    const p = photo(2000);
    const sha = await queueFile(db, { bytes: p.buffer, mime: 'image/jpeg', purpose: 'evidence', userId: 'u1', name: 'anh.jpg' });
    expect(sha).toBe(p.sha256);
    expect(await queueFile(db, { bytes: p.buffer, mime: 'image/jpeg', purpose: 'evidence', userId: 'u1' })).toBe(sha);
    const entries = await filesTable(db).toArray();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ sha256: sha, userId: 'u1', purpose: 'evidence', size: 2000, name: 'anh.jpg', state: 'pending' });
    expect(new Uint8Array(entries[0]!.bytes)).toEqual(new Uint8Array(p.buffer));
    expect(await countPendingFiles(db)).toBe(1);
    expect(await countPendingFiles(db, 'someone-else')).toBe(0);
    expect(await localFileUrl(db, sha)).toMatch(/^blob:/);
    expect(await localFileUrl(db, photo(10).sha256)).toBeNull();
    expect(fileUrl(sha)).toBe(`/api/files/${sha}`);
  });

  it('uploads pending files smallest first with each owner token, and keeps refused ones with the reason', async () => {
    const big = photo(5000);
    const small = photo(300);
    const otherUser = photo(700);
    const signature = photo(400);
    await queueFile(db, { bytes: big.buffer, mime: 'image/jpeg', purpose: 'evidence', userId: 'u1' });
    await queueFile(db, { bytes: small.buffer, mime: 'image/jpeg', purpose: 'evidence', userId: 'u1' });
    await queueFile(db, { bytes: otherUser.buffer, mime: 'image/jpeg', purpose: 'evidence', userId: 'u2' });
    await queueFile(db, { bytes: signature.buffer, mime: 'image/png', purpose: 'signature', userId: 'u1' });
    uploads.mimeFor = { evidence: 'image/jpeg' };

    const outcome = await uploadPendingFiles({ db, tokens: new Map([['u1', 'token-of-u1-xxxxxxxxxxxxxxxx']]), fetch: uploads.fetch });
    expect(outcome).toEqual({ uploaded: 2, rejected: 1 });
    expect(uploads.log.filter((l) => l.startsWith('POST'))).toHaveLength(3);
    expect([...uploads.stored.keys()]).toEqual([small.sha256, big.sha256]);
    expect((await filesTable(db).get(big.sha256))?.state).toBe('uploaded');
    // Bytes are kept after upload, for showing the photo offline.
    expect((await filesTable(db).get(big.sha256))?.bytes.byteLength).toBe(5000);
    // u2 has no usable token on this device: their photo waits.
    expect((await filesTable(db).get(otherUser.sha256))?.state).toBe('pending');
    const rejected = await listRejectedFiles(db);
    expect(rejected).toEqual([expect.objectContaining({ sha256: signature.sha256, state: 'rejected', error: expect.stringMatching(/chỉ nhận/) })]);
    await discardRejectedFile(db, signature.sha256);
    expect(await filesTable(db).get(signature.sha256)).toBeUndefined();
  });

  it('leaves a file pending with its upload id when the network fails, and continues from the server offset', async () => {
    const p = photo(10_000);
    await queueFile(db, { bytes: p.buffer, mime: 'image/jpeg', purpose: 'evidence', userId: 'u1' });
    const tokens = new Map([['u1', 'token-of-u1-xxxxxxxxxxxxxxxx']]);
    let patches = 0;
    // Chunks are 4 MiB, so this file goes in one chunk: it drops after 6,000 bytes.
    const flaky: typeof uploads.fetch = async (input, init) => {
      if (init?.method === 'PATCH' && ++patches === 1) uploads.dropNextChunkAfter = 6000;
      return uploads.fetch(input, init);
    };
    await expect(uploadPendingFiles({ db, tokens, fetch: flaky })).rejects.toBeInstanceOf(NetworkError);
    const waiting = await filesTable(db).get(p.sha256);
    expect(waiting?.state).toBe('pending');
    expect(waiting?.uploadId).toBeTruthy();

    expect(await uploadPendingFiles({ db, tokens, fetch: uploads.fetch })).toEqual({ uploaded: 1, rejected: 0 });
    expect(uploads.received).toBe(10_000);
    expect(uploads.log.filter((l) => l.startsWith('POST'))).toHaveLength(1);
    expect(await countPendingFiles(db)).toBe(0);
  });

  it('is run by the sync engine after each sync, with the signed-in accounts tokens', async () => {
    const server = new FakeServer(Date.now);
    const teacher = await signedInAccount(server, db, 'gv.lan');
    const p = photo(1500);
    await queueFile(db, { bytes: p.buffer, mime: 'image/jpeg', purpose: 'evidence', userId: teacher.userId });
    const { engine, online, setCurrent } = makeEngine(db, server, {
      uploadFiles: (tokens) => uploadPendingFiles({ db, tokens, fetch: uploads.fetch }),
    });
    setCurrent(teacher.userId);
    online.value = false;
    await engine.syncNow();
    expect(uploads.log).toEqual([]);
    online.value = true;
    expect((await engine.syncNow()).status).toBe('ok');
    expect(uploads.stored.has(p.sha256)).toBe(true);
    expect((await filesTable(db).get(p.sha256))?.state).toBe('uploaded');
  });

  it('evicts uploaded files oldest first to free space, never a pending one', async () => {
    const files = [photo(1000), photo(1000), photo(1000), photo(5000)];
    for (const f of files) await queueFile(db, { bytes: f.buffer, mime: 'image/jpeg', purpose: 'evidence', userId: 'u1' });
    for (const [i, f] of files.slice(0, 3).entries()) {
      await filesTable(db).update(f.sha256, { state: 'uploaded', uploadedAt: `2025-10-0${i + 1}T00:00:00.000Z` });
    }
    expect(await evictUploadedFiles(db, 1500)).toBe(2);
    expect((await filesTable(db).toArray()).map((f) => f.sha256).sort()).toEqual([files[2]!.sha256, files[3]!.sha256].sort());
    expect(await evictUploadedFiles(db, 0)).toBe(1);
    expect(await countPendingFiles(db)).toBe(1);
  });

  it('shows files waiting to upload in the sync status', () => {
    const t = (key: string, params?: Record<string, unknown>) => `${key}${params ? JSON.stringify(params) : ''}`;
    const base = {
      online: true,
      syncing: false,
      progress: null,
      pendingCount: 0,
      needsAttentionCount: 0,
      lastSyncAt: null,
      lastError: null,
      needsReauth: false,
    };
    expect(describeSyncStatus(base, t, (x) => x).tone).toBe('ok');
    const view = describeSyncStatus({ ...base, pendingFilesCount: 2 }, t, (x) => x);
    expect(view.tone).toBe('pending');
    expect(view.counts).toEqual(['files.queue.pendingCount{"count":2}']);
  });
});
