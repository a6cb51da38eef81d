import 'fake-indexeddb/auto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../src/client/api';
import { TruongAnDb } from '../../src/client/db/database';
import { countPending } from '../../src/client/db/repositories/outbox';
import { queueFile, uploadPendingFiles } from '../../src/client/files/file-queue';
import { signIn } from '../../src/client/sync/accounts';
import { SyncEngine, type Timers } from '../../src/client/sync/engine';
import { createSyncLock } from '../../src/client/sync/lock';
import { mutateWith } from '../../src/client/sync/mutate';
import { buildApp } from '../../src/server/app';
import { loadConfig } from '../../src/server/config';
import { drillHeadcountId, drillRecordId } from '../../src/shared/drill';
import { testDbKinds, type TestDb } from '../helpers/db';
import { addDrillSession, addDrillWorld, type DrillWorld } from '../helpers/drill-fixtures';
import { createFixture, PASSWORD, type Fixture } from '../helpers/fixtures';

/**
 * A whole drill made offline on a device (real appliers and outbox on fake-indexeddb, a photo in the real file
 * queue), the device's database reopened in the middle as a reload would, then synced by the real engine with the
 * real server over HTTP: every fact and the photo reach the server exactly once, and the device ends with exactly
 * the server's rows (the derived ids make the device's rows and the pulled ones the same rows). The same claim in
 * Chromium is tests/e2e/drill.spec.ts.
 */

const INERT_TIMERS: Timers = { setTimeout: () => 0, clearTimeout: () => undefined };

/** A small but real PNG (64×48, one colour), so that the server's type sniffing accepts it as an image. */
function png(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const width = 64;
  const height = 48;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw.set([200, (x * 4) & 255, (y * 5) & 255], y * (width * 3 + 1) + 1 + x * 3);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe.each(testDbKinds())('a drill made offline reaches the server once, on $kind', ({ open }) => {
  let db: TestDb;
  let app: FastifyInstance;
  let f: Fixture;
  let world: DrillWorld;
  let dataDir: string;
  let baseUrl: string;

  beforeAll(async () => {
    db = await open();
    f = await createFixture(db.kysely, 6);
    world = await addDrillWorld(db.kysely, f);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'truongan-drill-sync-'));
    app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir }), db, logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('start, two classes, a photo, a reload, all clear; then one sync leaves server and device identical', { timeout: 60_000 }, async () => {
    const sessionId = await addDrillSession(db.kysely, f, world);
    const dbName = `drill-sync-${randomBytes(4).toString('hex')}`;
    let online = true;
    let clock = Date.now();
    const now = () => (clock += 1000);
    const api = createApiClient({ baseUrl, timeoutMs: 10_000 });
    const engineFor = (device: TruongAnDb, userId: string) =>
      new SyncEngine({
        db: device,
        api,
        currentUserId: () => userId,
        now,
        timers: INERT_TIMERS,
        isOnline: () => online,
        connectivity: null,
        serviceWorker: null,
        requestBackgroundSync: null,
        lock: createSyncLock({ locks: null, storage: null }),
        uploadFiles: (tokens) => uploadPendingFiles({ db: device, tokens, baseUrl }),
      });

    // Online once: sign in and pull the school.
    let device = new TruongAnDb(dbName);
    const { account } = await signIn({ db: device, api, isOnline: () => true, now, iterations: 1000 }, 'principala', PASSWORD);
    const userId = account.userId;
    expect((await engineFor(device, userId).syncNow()).status).toBe('ok');
    expect(await device.entity('session').get(sessionId)).toBeDefined();

    // The drill, offline.
    online = false;
    const ctx = () => ({ db: device, userId, now });
    const alarmAt = new Date(now()).toISOString();
    await mutateWith(ctx(), 'drill.start', { sessionId, scenarioCode: null, alarmAt });
    await mutateWith(ctx(), 'drill.headcount', {
      sessionId,
      classId: f.classes.A,
      presentCount: 4,
      missingCount: 1,
      absentCount: 1,
      missingPersonIds: [f.students.A[0]!],
    });
    const photo = png();
    const hash = await queueFile(device, {
      bytes: photo.buffer.slice(photo.byteOffset, photo.byteOffset + photo.byteLength) as ArrayBuffer,
      mime: 'image/png',
      purpose: 'evidence',
      userId,
    });
    expect(hash).toBe(createHash('sha256').update(photo).digest('hex'));
    await mutateWith(ctx(), 'drill.observe', { sessionId, observations: ['exit_blocked'], notes: 'Cầu thang B bị chắn', photoHashes: [hash] });

    // A reload: the database is closed and opened again; nothing is lost.
    device.close();
    device = new TruongAnDb(dbName);
    expect(await countPending(device)).toBe(3);
    await mutateWith(ctx(), 'drill.headcount', { sessionId, classId: world.classA2, presentCount: 4, missingCount: 0, absentCount: 0, missingPersonIds: [] });
    // The missing pupil found: the class reported again.
    await mutateWith(ctx(), 'drill.headcount', {
      sessionId,
      classId: f.classes.A,
      presentCount: 5,
      missingCount: 0,
      absentCount: 1,
      missingPersonIds: [],
    });
    const allClearAt = new Date(now() + 150_000).toISOString();
    await mutateWith(ctx(), 'drill.allClear', { sessionId, allClearAt });
    const offlineEngine = engineFor(device, userId);
    expect((await offlineEngine.syncNow()).status).toBe('offline');
    const outbox = await device.outbox.toArray();
    expect(outbox).toHaveLength(6);

    // Online: one sync pushes, pulls and uploads the photo; a second changes nothing.
    online = true;
    const engine = engineFor(device, userId);
    expect((await engine.syncNow()).status).toBe('ok');
    expect((await engine.syncNow()).status).toBe('ok');
    expect(await countPending(device)).toBe(0);
    expect((await device.table('files').toArray()).map((r: { state: string }) => r.state)).toEqual(['uploaded']);

    const records = await db.kysely.selectFrom('drill_records').selectAll().where('session_id', '=', sessionId).execute();
    expect(records).toHaveLength(1);
    const seconds = Math.round((Date.parse(allClearAt) - Date.parse(alarmAt)) / 1000);
    expect(records[0]).toMatchObject({
      id: drillRecordId(sessionId),
      alarm_at: alarmAt,
      all_clear_at: allClearAt,
      evacuation_seconds: seconds,
      scenario_code: 'fire_evacuation',
      expected_count: 9,
      accounted_count: 9,
      missing_count: 0,
      notes: 'Cầu thang B bị chắn',
    });
    expect(JSON.parse(records[0]!.photo_hashes)).toEqual([hash]);
    const headcounts = await db.kysely.selectFrom('drill_headcounts').selectAll().where('session_id', '=', sessionId).execute();
    expect(headcounts.map((h) => h.id).sort()).toEqual([drillHeadcountId(sessionId, f.classes.A), drillHeadcountId(sessionId, world.classA2)].sort());
    const history = await db.kysely.selectFrom('drill_headcount_history').select('mutation_id').where('session_id', '=', sessionId).execute();
    expect(history).toHaveLength(3);
    const applied = await db.kysely
      .selectFrom('applied_mutations')
      .select('id')
      .where(
        'id',
        'in',
        outbox.map((e) => e.id),
      )
      .execute();
    expect(applied).toHaveLength(6);
    const stored = await sql<{ n: number }>`select count(*) as n from stored_files where sha256 = ${hash}`.execute(db.kysely);
    expect(Number(stored.rows[0]!.n)).toBe(1);
    expect(fs.readFileSync(path.join(dataDir, 'files', hash.slice(0, 2), hash)).equals(photo)).toBe(true);

    // The device holds exactly the server's rows: one record, one headcount per class, no copies under other ids.
    const local = await device.entity('drillRecord').where('sessionId').equals(sessionId).toArray();
    expect(local).toHaveLength(1);
    expect(local[0]).toMatchObject({ id: drillRecordId(sessionId), evacuationSeconds: seconds, photoHashes: [hash], missingCount: 0 });
    expect(await device.entity('drillHeadcount').where('sessionId').equals(sessionId).count()).toBe(2);
    device.close();
  });
});
