import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testDbKinds, type TestDb } from '../../helpers/db';
import { createFixture, type Fixture } from '../../helpers/fixtures';
import { signIn } from '../../helpers/app';
import { buildApp } from '../../../src/server/app';
import { loadConfig } from '../../../src/server/config';
import { newId } from '../../../src/shared/domain/ids';
import { SCHEMA_VERSION, type PullResponse, type PushResponse } from '../../../src/shared/sync/wire';
import { addDrillSession, addDrillWorld } from '../../helpers/drill-fixtures';
import { REJECTION } from '../../../src/server/sync/reasons';
import { DRILL_REJECTION } from '../../../src/server/sync/handlers/drill';
import { drillHeadcountId, drillRecordId } from '../../../src/shared/drill';

interface Envelope {
  id: string;
  name: string;
  args: unknown;
  clientTime: string;
}

const env = (name: string, args: unknown, clientTime = new Date().toISOString()): Envelope => ({ id: newId(), name, args, clientTime });
const PHOTO = 'ab'.repeat(32);

describe.each(testDbKinds())('drill mode on $kind', ({ open }) => {
  let db: TestDb;
  let app: FastifyInstance;
  let f: Fixture;
  let teacherA: Record<string, string>;
  let principalA: Record<string, string>;
  let teacherB: Record<string, string>;
  let drillType: string;
  let dataDir: string;
  /** A second class of school A with 4 pupils, so that a drill has two classes to count. */
  let classA2: string;
  let studentsA2: string[];
  const tablets = new Map<Record<string, string>, string>();

  beforeAll(async () => {
    db = await open();
    f = await createFixture(db.kysely, 6);
    ({ drillType, classA2, studentsA2 } = await addDrillWorld(db.kysely, f));
    // Its own data directory: the evidence photos uploaded here land in a file store no other run shares.
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'truongan-drill-'));
    app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir }), db, logger: false });
    teacherA = await signIn(app, 'teachera');
    principalA = await signIn(app, 'principala');
    teacherB = await signIn(app, 'teacherb');
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const drillSession = (schoolId: string | null = f.schoolA, scenario: string | null = 'fire_evacuation') =>
    addDrillSession(db.kysely, f, { drillType, classA2, studentsA2 }, schoolId, scenario);

  const tabletOf = (headers: Record<string, string>): string => {
    let id = tablets.get(headers);
    if (!id) {
      id = `drill-tablet-${String(tablets.size + 1).padStart(4, '0')}`;
      tablets.set(headers, id);
    }
    return id;
  };
  async function push(headers: Record<string, string>, mutations: Envelope[]): Promise<PushResponse> {
    const res = await app.inject({
      method: 'POST',
      url: '/api/sync/push',
      headers,
      payload: { clientId: tabletOf(headers), schemaVersion: SCHEMA_VERSION, mutations },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<PushResponse>();
  }
  async function record(sessionId: string) {
    return db.kysely.selectFrom('drill_records').selectAll().where('session_id', '=', sessionId).execute();
  }
  async function headcounts(sessionId: string) {
    return db.kysely.selectFrom('drill_headcounts').selectAll().where('session_id', '=', sessionId).orderBy('class_id').execute();
  }
  async function totals() {
    const n = async (table: 'drill_records' | 'drill_headcounts' | 'drill_headcount_history' | 'applied_mutations') =>
      Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db.kysely)).rows[0]!.n);
    return {
      records: await n('drill_records'),
      headcounts: await n('drill_headcounts'),
      history: await n('drill_headcount_history'),
      applied: await n('applied_mutations'),
    };
  }

  it('records a whole drill from two tablets: start, two classes, observations with a photo, all clear', async () => {
    const sessionId = await drillSession();
    const alarmAt = '2026-03-10T01:00:00.000Z';
    const start = env('drill.start', { sessionId, scenarioCode: 'fire_evacuation', alarmAt });
    // The teacher's class report reaches the server before the coordinator's start: it is kept all the same.
    const c1 = env('drill.headcount', {
      sessionId,
      classId: f.classes.A,
      presentCount: 4,
      missingCount: 1,
      absentCount: 1,
      missingPersonIds: [f.students.A[0]],
    });
    expect((await push(teacherA, [c1])).results).toEqual([{ id: c1.id, status: 'applied' }]);
    const c2 = env('drill.headcount', { sessionId, classId: classA2, presentCount: 4, missingCount: 0, absentCount: 0, missingPersonIds: [] });
    const observe = env('drill.observe', {
      sessionId,
      observations: ['exit_blocked', 'assembly_point_crowded'],
      notes: 'Lối thoát cầu thang B bị chặn bởi bàn ghế',
      photoHashes: [PHOTO],
    });
    const clear = env('drill.allClear', { sessionId, allClearAt: '2026-03-10T01:04:35.400Z' });
    const res = await push(principalA, [start, c2, observe, clear]);
    expect(res.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied', 'applied']);

    const [rec, ...more] = await record(sessionId);
    expect(more).toHaveLength(0);
    expect(rec).toMatchObject({
      id: drillRecordId(sessionId),
      school_id: f.schoolA,
      scenario_code: 'fire_evacuation',
      alarm_at: alarmAt,
      all_clear_at: '2026-03-10T01:04:35.400Z',
      evacuation_seconds: 275,
      expected_count: 9,
      accounted_count: 8,
      missing_count: 1,
      notes: 'Lối thoát cầu thang B bị chặn bởi bàn ghế',
      stream: f.schoolA,
    });
    expect(JSON.parse(rec!.observations)).toEqual(['exit_blocked', 'assembly_point_crowded']);
    expect(JSON.parse(rec!.photo_hashes)).toEqual([PHOTO]);
    const rows = await headcounts(sessionId);
    expect(rows).toHaveLength(2);
    const first = rows.find((r) => r.class_id === f.classes.A)!;
    expect(first).toMatchObject({ id: drillHeadcountId(sessionId, f.classes.A), present_count: 4, missing_count: 1, reported_by: f.users.teacherA });
    expect(JSON.parse(first.missing_person_ids)).toEqual([f.students.A[0]]);

    // The school's devices pull both entities, in the shared shapes.
    const pulled: PullResponse['changes'] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 20; i++) {
      const q = new URLSearchParams({ limit: '5000', ...(cursor ? { cursor } : {}) });
      const page = (await app.inject({ method: 'GET', url: `/api/sync/pull?${q}`, headers: teacherA })).json<PullResponse>();
      pulled.push(...page.changes);
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    const drillRows = pulled.filter((c) => c.entity === 'drillRecord' && c.row.sessionId === sessionId);
    expect(drillRows.at(-1)?.row).toMatchObject({ evacuationSeconds: 275, photoHashes: [PHOTO], missingCount: 1 });
    const counted = pulled.filter((c) => c.entity === 'drillHeadcount' && c.row.sessionId === sessionId);
    expect(counted.map((c) => c.row.classId).sort()).toEqual([f.classes.A, classA2].sort());
  });

  it('takes a later report with fewer missing as accounted for, keeping every report in the history', async () => {
    const sessionId = await drillSession();
    await push(principalA, [env('drill.start', { sessionId, scenarioCode: null, alarmAt: new Date(Date.now() - 120_000).toISOString() })]);
    const missing = [studentsA2[0], studentsA2[1]];
    const t0 = Date.now() - 60_000;
    await push(teacherA, [
      env('drill.headcount', { sessionId, classId: classA2, presentCount: 2, missingCount: 2, absentCount: 0, missingPersonIds: missing }, new Date(t0).toISOString()),
    ]);
    // One pupil found: the same class reported again with the updated list.
    await push(teacherA, [
      env(
        'drill.headcount',
        { sessionId, classId: classA2, presentCount: 3, missingCount: 1, absentCount: 0, missingPersonIds: [studentsA2[1]] },
        new Date(t0 + 30_000).toISOString(),
      ),
    ]);
    const rows = await headcounts(sessionId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ present_count: 3, missing_count: 1 });
    expect(JSON.parse(rows[0]!.missing_person_ids)).toEqual([studentsA2[1]]);
    const history = await db.kysely.selectFrom('drill_headcount_history').select('missing_count').where('session_id', '=', sessionId).execute();
    expect(history.map((h) => h.missing_count).sort()).toEqual([1, 2]);
    expect((await record(sessionId))[0]).toMatchObject({ missing_count: 1, accounted_count: 3, expected_count: 4, scenario_code: 'fire_evacuation' });

    // A report made earlier that arrives late (a tablet that was offline) does not undo the newer one.
    await push(principalA, [
      env('drill.headcount', { sessionId, classId: classA2, presentCount: 1, missingCount: 3, absentCount: 0, missingPersonIds: [] }, new Date(t0 - 10_000).toISOString()),
    ]);
    expect((await headcounts(sessionId))[0]).toMatchObject({ present_count: 3, missing_count: 1 });
  });

  it('refuses a headcount larger than the class, with the reason, and stores nothing of it', async () => {
    const sessionId = await drillSession();
    const before = await totals();
    // Class 4A2 has 4 pupils: 3 + 1 + 1 = 5.
    const tooMany = env('drill.headcount', { sessionId, classId: classA2, presentCount: 3, missingCount: 1, absentCount: 1, missingPersonIds: [] });
    const stranger = env('drill.headcount', {
      sessionId,
      classId: classA2,
      presentCount: 1,
      missingCount: 1,
      absentCount: 0,
      missingPersonIds: [f.students.A[1]],
    });
    const ok = env('drill.headcount', { sessionId, classId: classA2, presentCount: 4, missingCount: 0, absentCount: 0, missingPersonIds: [] });
    const res = await push(teacherA, [tooMany, stranger, ok]);
    expect(res.results[0]).toMatchObject({ status: 'rejected' });
    expect(res.results[0]!.error).toContain('lớn hơn sĩ số lớp (4)');
    expect(res.results[1]).toEqual({ id: stranger.id, status: 'rejected', error: DRILL_REJECTION.notInClass });
    // A refused mutation never blocks the ones behind it.
    expect(res.results[2]).toEqual({ id: ok.id, status: 'applied' });
    const after = await totals();
    expect(after.headcounts - before.headcounts).toBe(1);
    expect(after.history - before.history).toBe(1);
    expect((await headcounts(sessionId))[0]).toMatchObject({ present_count: 4, missing_count: 0, absent_count: 0 });
  });

  it('refuses a malformed headcount at the catalogue: negative counts, more names than missing', async () => {
    const sessionId = await drillSession();
    const negative = env('drill.headcount', { sessionId, classId: classA2, presentCount: -1, missingCount: 0, absentCount: 0, missingPersonIds: [] });
    const named = env('drill.headcount', {
      sessionId,
      classId: classA2,
      presentCount: 2,
      missingCount: 0,
      absentCount: 0,
      missingPersonIds: [studentsA2[0]],
    });
    const res = await push(teacherA, [negative, named]);
    expect(res.results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(res.results[1]!.error).toContain('missingPersonIds');
    expect(await headcounts(sessionId)).toHaveLength(0);
  });

  it('refuses an all clear without a start or before the alarm, and keeps the record as it was', async () => {
    const sessionId = await drillSession();
    const early = env('drill.allClear', { sessionId, allClearAt: '2026-03-10T01:00:00.000Z' });
    const res1 = await push(principalA, [early]);
    expect(res1.results[0]).toMatchObject({ status: 'rejected' });
    expect(res1.results[0]!.error).toContain('chưa bắt đầu diễn tập');
    expect(await record(sessionId)).toHaveLength(0);

    const alarmAt = '2026-03-10T02:00:00.000Z';
    await push(principalA, [env('drill.start', { sessionId, scenarioCode: 'earthquake', alarmAt })]);
    const before = await record(sessionId);
    const res2 = await push(principalA, [env('drill.allClear', { sessionId, allClearAt: '2026-03-10T01:59:59.000Z' })]);
    expect(res2.results[0]).toMatchObject({ status: 'rejected' });
    expect(res2.results[0]!.error).toContain('giờ kết thúc sớm hơn giờ báo động');
    expect(await record(sessionId)).toEqual(before);
    expect(before[0]).toMatchObject({ alarm_at: alarmAt, all_clear_at: null, evacuation_seconds: null, scenario_code: 'earthquake' });

    // After the all clear the drill cannot be started again.
    await push(principalA, [env('drill.allClear', { sessionId, allClearAt: '2026-03-10T02:03:00.000Z' })]);
    const restart = await push(principalA, [env('drill.start', { sessionId, scenarioCode: null, alarmAt: '2026-03-10T02:10:00.000Z' })]);
    expect(restart.results[0]).toMatchObject({ status: 'rejected', error: DRILL_REJECTION.finished });
    expect((await record(sessionId))[0]).toMatchObject({ alarm_at: alarmAt, evacuation_seconds: 180 });
  });

  it('refuses a scenario outside the fire plan, a session that is not a drill, and other schools as not found', async () => {
    const sessionId = await drillSession();
    const wrongScenario = env('drill.start', { sessionId, scenarioCode: 'volcano', alarmAt: new Date().toISOString() });
    const notDrill = env('drill.start', { sessionId: f.sessions.A, scenarioCode: null, alarmAt: new Date().toISOString() });
    const res = await push(principalA, [wrongScenario, notDrill]);
    expect(res.results[0]).toMatchObject({ status: 'rejected', error: DRILL_REJECTION.scenario });
    expect(res.results[1]).toMatchObject({ status: 'rejected', error: DRILL_REJECTION.notDrill });

    const outside = await push(teacherB, [
      env('drill.start', { sessionId, scenarioCode: null, alarmAt: new Date().toISOString() }),
      env('drill.headcount', { sessionId, classId: classA2, presentCount: 1, missingCount: 0, absentCount: 0, missingPersonIds: [] }),
      env('drill.observe', { sessionId, observations: [], notes: null, photoHashes: [] }),
    ]);
    expect(outside.results.map((r) => r.error)).toEqual([REJECTION.notFound, REJECTION.notFound, REJECTION.notFound]);
    expect(await record(sessionId)).toHaveLength(0);
    expect(await headcounts(sessionId)).toHaveLength(0);
  });

  it('refuses observations outside the checklist and bad photo hashes; adds photos from two tablets', async () => {
    const sessionId = await drillSession();
    const unknown = env('drill.observe', { sessionId, observations: ['aliens'], notes: null, photoHashes: [] });
    const badHash = env('drill.observe', { sessionId, observations: [], notes: null, photoHashes: ['not-a-hash'] });
    const res = await push(teacherA, [unknown, badHash]);
    expect(res.results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(res.results[1]!.error).toContain('photoHashes');
    expect(await record(sessionId)).toHaveLength(0);

    const other = 'cd'.repeat(32);
    await push(teacherA, [env('drill.observe', { sessionId, observations: ['panic'], notes: null, photoHashes: [PHOTO] })]);
    await push(principalA, [env('drill.observe', { sessionId, observations: ['slow_start'], notes: 'ghi chú', photoHashes: [other, PHOTO] })]);
    const [rec] = await record(sessionId);
    expect(JSON.parse(rec!.photo_hashes)).toEqual([PHOTO, other]);
    expect(JSON.parse(rec!.observations)).toEqual(['slow_start']);
  });

  it('keeps one record per school for a drill day held across a commune, and names the school', async () => {
    const sessionId = await drillSession(null);
    const alarmAt = new Date(Date.now() - 300_000).toISOString();
    const unnamed = env('drill.start', { sessionId, scenarioCode: null, alarmAt });
    const otherSchool = env('drill.start', { sessionId, schoolId: f.schoolB, scenarioCode: null, alarmAt });
    const named = env('drill.start', { sessionId, schoolId: f.schoolA, scenarioCode: 'earthquake', alarmAt });
    const counted = env('drill.headcount', { sessionId, classId: classA2, presentCount: 4, missingCount: 0, absentCount: 0, missingPersonIds: [] });
    const res = await push(principalA, [unnamed, otherSchool, named, counted]);
    expect(res.results[0]).toMatchObject({ status: 'rejected', error: DRILL_REJECTION.schoolNeeded });
    // School B is not under commune A (and not principal A's): not found.
    expect(res.results[1]).toMatchObject({ status: 'rejected', error: REJECTION.notFound });
    expect(res.results.slice(2).map((r) => r.status)).toEqual(['applied', 'applied']);
    const rows = await record(sessionId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: drillRecordId(sessionId, f.schoolA),
      school_id: f.schoolA,
      stream: f.schoolA,
      alarm_at: alarmAt,
      scenario_code: 'earthquake',
      expected_count: 4,
    });
    expect((await headcounts(sessionId))[0]).toMatchObject({ school_id: f.schoolA, stream: f.schoolA });
    // A teacher of a school outside the commune learns nothing about the session.
    const outsider = await push(teacherB, [env('drill.start', { sessionId, scenarioCode: null, alarmAt })]);
    expect(outsider.results[0]).toMatchObject({ status: 'rejected', error: REJECTION.notFound });
  });

  async function upload(headers: Record<string, string>, bytes: Buffer, mime: string) {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const started = await app.inject({
      method: 'POST',
      url: '/api/files/uploads',
      headers,
      payload: { sha256, size: bytes.length, mime, name: 'anh-dien-tap', purpose: 'evidence' },
    });
    if (started.statusCode !== 201) return { sha256, started, finished: null };
    const { uploadId } = started.json<{ uploadId: string }>();
    const finished = await app.inject({
      method: 'PATCH',
      url: `/api/files/uploads/${uploadId}`,
      headers: { ...headers, 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' },
      payload: bytes,
    });
    return { sha256, started, finished };
  }

  it('refuses an evidence upload that is not an image or is too large; a photo referenced by a drill is stored once', async () => {
    const before = await totals();
    const tooLarge = await app.inject({
      method: 'POST',
      url: '/api/files/uploads',
      headers: teacherA,
      payload: { sha256: PHOTO, size: 20 * 1024 * 1024, mime: 'image/jpeg', name: 'anh.jpg', purpose: 'evidence' },
    });
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json<{ message: string }>().message).toMatch(/10/);

    // Text pretending to be a JPEG: the bytes are sniffed and refused.
    const fake = await upload(teacherA, Buffer.from('đây không phải là ảnh, chỉ là chữ '.repeat(20)), 'image/jpeg');
    const refused = fake.finished ?? fake.started;
    expect(refused.statusCode).toBeGreaterThanOrEqual(400);
    expect(refused.statusCode).toBeLessThan(500);
    const fakeStored = await db.kysely.selectFrom('stored_files').select('sha256').where('sha256', '=', fake.sha256).execute();
    expect(fakeStored).toHaveLength(0);
    expect(await totals()).toEqual(before);

    // A real PNG, then the drill that references it; the principal (not the uploader) reads it through the record.
    const png = Buffer.from(PNG_1X1, 'base64');
    const photo = await upload(teacherA, png, 'image/png');
    expect(photo.finished?.statusCode, photo.finished?.body).toBe(200);
    expect(photo.finished?.json()).toMatchObject({ complete: true, sha256: photo.sha256 });
    const again = await upload(teacherA, png, 'image/png');
    expect(again.started.statusCode).toBe(200);
    const sessionId = await drillSession();
    const res = await push(teacherA, [env('drill.observe', { sessionId, observations: [], notes: null, photoHashes: [photo.sha256] })]);
    expect(res.results[0]).toMatchObject({ status: 'applied' });
    const read = await app.inject({ method: 'GET', url: `/api/files/${photo.sha256}`, headers: principalA });
    expect(read.statusCode).toBe(200);
    expect(read.rawPayload.equals(png)).toBe(true);
    const stored = await db.kysely.selectFrom('stored_files').select('sha256').where('sha256', '=', photo.sha256).execute();
    expect(stored).toHaveLength(1);
    expect(fs.existsSync(path.join(dataDir, 'files', photo.sha256.slice(0, 2), photo.sha256))).toBe(true);
    // The refused fake left no bytes behind either.
    expect(fs.existsSync(path.join(dataDir, 'files', fake.sha256.slice(0, 2), fake.sha256))).toBe(false);
    // Another school's teacher does not see it.
    expect((await app.inject({ method: 'GET', url: `/api/files/${photo.sha256}`, headers: teacherB })).statusCode).toBe(404);
  });
});

/** A 1×1 PNG. */
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
