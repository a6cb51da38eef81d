import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { testDbKinds, type TestDb } from '../../helpers/db';
import { createFixture, type Fixture } from '../../helpers/fixtures';
import { buildTestApp, signIn } from '../../helpers/app';
import { newId } from '../../../src/shared/domain/ids';
import { MAX_PUSH_BATCH, SCHEMA_VERSION, type PushResponse } from '../../../src/shared/sync/wire';
import { REJECTION } from '../../../src/server/sync/reasons';

interface Envelope {
  id: string;
  name: string;
  args: unknown;
  clientTime: string;
}

function mark(sessionId: string, personId: string, status = 'present', clientTime = new Date().toISOString(), note?: string): Envelope {
  return {
    id: newId(),
    name: 'attendance.mark',
    args: { sessionId, personId, status, ...(note === undefined ? {} : { note }) },
    clientTime,
  };
}

describe.each(testDbKinds())('POST /api/sync/push on $kind', ({ open }) => {
  let db: TestDb;
  let app: FastifyInstance;
  let f: Fixture;
  let teacherA: Record<string, string>;
  let principalA: Record<string, string>;
  let trainer: Record<string, string>;

  beforeAll(async () => {
    db = await open();
    f = await createFixture(db.kysely, 120);
    app = await buildTestApp(db);
    teacherA = await signIn(app, 'teachera');
    principalA = await signIn(app, 'principala');
    trainer = await signIn(app, 'trainer');
    tabletOf(teacherA);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  let nextStudent = 0;
  /** A student of school A no other test has marked, so that each test reads its own rows. */
  const freshStudentA = () => {
    const id = f.students.A[nextStudent++];
    if (!id) throw new Error('the fixture has too few students for these tests');
    return id;
  };

  // One tablet per signed-in user (teacher A's is tablet-0001): the server binds a clientId to its first user.
  const tablets = new Map<Record<string, string>, string>();
  const tabletOf = (headers: Record<string, string>): string => {
    let id = tablets.get(headers);
    if (!id) {
      id = `tablet-${String(tablets.size + 1).padStart(4, '0')}`;
      tablets.set(headers, id);
    }
    return id;
  };

  async function push(headers: Record<string, string>, mutations: unknown[], body: Record<string, unknown> = {}) {
    return app.inject({
      method: 'POST',
      url: '/api/sync/push',
      headers,
      payload: { clientId: tabletOf(headers), schemaVersion: SCHEMA_VERSION, mutations, ...body },
    });
  }
  async function pushOk(headers: Record<string, string>, mutations: unknown[]): Promise<PushResponse> {
    const res = await push(headers, mutations);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<PushResponse>();
  }
  async function counts() {
    const n = async (table: 'attendance' | 'attendance_history' | 'applied_mutations' | 'stream_versions') =>
      Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db.kysely)).rows[0]!.n);
    const versions = await db.kysely.selectFrom('stream_versions').select(['stream', 'version']).orderBy('stream').execute();
    return {
      attendance: await n('attendance'),
      history: await n('attendance_history'),
      applied: await n('applied_mutations'),
      versions,
    };
  }
  async function rowsFor(personId: string) {
    const attendance = await db.kysely.selectFrom('attendance').selectAll().where('person_id', '=', personId).execute();
    const history = await db.kysely
      .selectFrom('attendance_history')
      .selectAll()
      .where('person_id', '=', personId)
      .orderBy('received_at')
      .execute();
    return { attendance, history };
  }

  it('applies a mark once, answers its retry "duplicate", and writes one row and one history entry', async () => {
    const person = freshStudentA();
    const m = mark(f.sessions.A, person, 'late', '2025-10-01T01:05:00+07:00', 'đến muộn 5 phút');
    const first = await pushOk(teacherA, [m]);
    expect(first.results).toEqual([{ id: m.id, status: 'applied' }]);
    expect(Date.parse(first.serverTime)).not.toBeNaN();
    const again = await pushOk(teacherA, [m]);
    expect(again.results).toEqual([{ id: m.id, status: 'duplicate' }]);

    const { attendance, history } = await rowsFor(person);
    expect(attendance).toHaveLength(1);
    expect(history).toHaveLength(1);
    expect(attendance[0]).toMatchObject({
      school_id: f.schoolA,
      session_id: f.sessions.A,
      status: 'late',
      note: 'đến muộn 5 phút',
      marked_by: f.users.teacherA,
      marked_at: '2025-09-30T18:05:00.000Z',
      stream: f.schoolA,
    });
    expect(history[0]).toMatchObject({ mutation_id: m.id, client_id: 'tablet-0001', status: 'late' });
    const recorded = await db.kysely.selectFrom('applied_mutations').selectAll().where('id', '=', m.id).executeTakeFirstOrThrow();
    expect(recorded).toMatchObject({ user_id: f.users.teacherA, stream: f.schoolA, name: 'attendance.mark' });
    expect(recorded.content_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers a whole replayed batch "duplicate" and writes nothing the second time', async () => {
    const batch = Array.from({ length: 6 }, () => mark(f.sessions.A, freshStudentA(), 'present'));
    const first = await pushOk(teacherA, batch);
    expect(first.results.map((r) => r.status)).toEqual(Array(6).fill('applied'));
    const before = await counts();
    const replay = await pushOk(teacherA, batch);
    expect(replay.results).toEqual(batch.map((m) => ({ id: m.id, status: 'duplicate' })));
    expect(await counts()).toEqual(before);
  });

  it('applies each mutation exactly once when the same batch arrives on two connections at once', async () => {
    const batch = Array.from({ length: 25 }, () => mark(f.sessions.A, freshStudentA(), 'absent'));
    const before = await counts();
    const [a, b] = await Promise.all([push(teacherA, batch), push(teacherA, batch)]);
    expect(a.statusCode, a.body).toBe(200);
    expect(b.statusCode, b.body).toBe(200);
    const ra = a.json<PushResponse>().results;
    const rb = b.json<PushResponse>().results;
    batch.forEach((m, i) => {
      expect(ra[i]!.id).toBe(m.id);
      expect(rb[i]!.id).toBe(m.id);
      expect([ra[i]!.status, rb[i]!.status].sort()).toEqual(['applied', 'duplicate']);
    });
    const after = await counts();
    expect(after.history - before.history).toBe(25);
    expect(after.attendance - before.attendance).toBe(25);
    expect(after.applied - before.applied).toBe(25);
  });

  it('rejects an id reused with other content and writes nothing for it', async () => {
    const person = freshStudentA();
    const m = mark(f.sessions.A, person, 'present', '2025-10-01T01:00:00.000Z');
    await pushOk(teacherA, [m]);
    const before = await counts();
    const reused = { ...m, args: { sessionId: f.sessions.A, personId: person, status: 'absent' }, clientTime: '2025-10-01T02:00:00.000Z' };
    const res = await pushOk(teacherA, [reused]);
    expect(res.results).toEqual([{ id: m.id, status: 'rejected', error: REJECTION.idReused }]);
    expect(await counts()).toEqual(before);
    expect((await rowsFor(person)).attendance[0]!.status).toBe('present');
  });

  it('rejects an id another user already used, even with the same content', async () => {
    const m = mark(f.sessions.A, freshStudentA());
    await pushOk(teacherA, [m]);
    const before = await counts();
    const res = await pushOk(principalA, [m]);
    expect(res.results).toEqual([{ id: m.id, status: 'rejected', error: REJECTION.idReused }]);
    expect(await counts()).toEqual(before);
  });

  it('rejects an unknown mutation name and invalid arguments with their reasons', async () => {
    const before = await counts();
    const unknown = { id: newId(), name: 'attendance.erase', args: {}, clientTime: new Date().toISOString() };
    const invalid = { ...mark(f.sessions.A, freshStudentA()), args: { sessionId: f.sessions.A, personId: 'not-a-uuid', status: 'maybe' } };
    const res = await pushOk(teacherA, [unknown, invalid]);
    expect(res.results[0]).toEqual({ id: unknown.id, status: 'rejected', error: REJECTION.unknownMutation('attendance.erase') });
    expect(res.results[1]!.status).toBe('rejected');
    expect(res.results[1]!.error).toContain('personId');
    expect(res.results[1]!.error).toContain('status');
    expect(await counts()).toEqual(before);
  });

  it('gives the same reason for a person out of scope as for a person that does not exist', async () => {
    const before = await counts();
    const outOfScope = mark(f.sessions.B, f.students.B[0]!);
    const missing = mark(f.sessions.A, newId());
    const foreignSession = mark(f.sessions.B, freshStudentA());
    const missingSession = mark(newId(), freshStudentA());
    const res = await pushOk(teacherA, [outOfScope, missing, foreignSession, missingSession]);
    for (const r of res.results) expect(r).toMatchObject({ status: 'rejected', error: REJECTION.notFound });
    expect(await counts()).toEqual(before);
  });

  it('does not let a rejected mutation block the ones behind it', async () => {
    const ok1 = mark(f.sessions.A, freshStudentA());
    const bad = mark(f.sessions.B, f.students.B[1]!);
    const ok2 = mark(f.sessions.A, freshStudentA());
    const res = await pushOk(teacherA, [ok1, bad, ok2]);
    expect(res.results.map((r) => [r.id, r.status])).toEqual([
      [ok1.id, 'applied'],
      [bad.id, 'rejected'],
      [ok2.id, 'applied'],
    ]);
  });

  it('writes nothing for a malformed body, an oversized batch or an outdated app', async () => {
    const before = await counts();
    const wrongTypes = await push(teacherA, [{ id: 42, name: 'attendance.mark', args: {}, clientTime: 'yesterday' }], {
      clientId: 7,
    });
    expect(wrongTypes.statusCode).toBe(400);
    const fields = (wrongTypes.json() as { fields: { field: string }[] }).fields.map((x) => x.field);
    expect(fields).toEqual(expect.arrayContaining(['clientId', 'mutations.0.id', 'mutations.0.clientTime']));

    const oversized = Array.from({ length: MAX_PUSH_BATCH + 1 }, () => mark(f.sessions.A, f.students.A[0]!));
    const tooMany = await push(teacherA, oversized);
    expect(tooMany.statusCode).toBe(400);
    expect((tooMany.json() as { fields: { field: string }[] }).fields[0]!.field).toBe('mutations');

    const outdated = await push(teacherA, [mark(f.sessions.A, f.students.A[0]!)], { schemaVersion: SCHEMA_VERSION - 1 });
    expect(outdated.statusCode).toBe(426);
    const outdatedOldShape = await push(teacherA, [], { schemaVersion: SCHEMA_VERSION - 1, changes: 'older contract' });
    expect(outdatedOldShape.statusCode).toBe(426);

    const anonymous = await app.inject({
      method: 'POST',
      url: '/api/sync/push',
      payload: { clientId: 'tablet-0001', schemaVersion: SCHEMA_VERSION, mutations: [mark(f.sessions.A, f.students.A[0]!)] },
    });
    expect(anonymous.statusCode).toBe(401);
    expect(await counts()).toEqual(before);
  });

  it('keeps the latest observation on the row and every mark in the history', async () => {
    const person = freshStudentA();
    const newer = mark(f.sessions.A, person, 'present', '2025-10-01T01:10:00.000Z');
    const older = mark(f.sessions.A, person, 'absent', '2025-10-01T01:00:00.000Z');
    expect((await pushOk(teacherA, [newer])).results[0]!.status).toBe('applied');
    const versionAfterNewer = (await rowsFor(person)).attendance[0]!.version;
    expect((await pushOk(principalA, [older])).results[0]!.status).toBe('applied');
    let rows = await rowsFor(person);
    expect(rows.attendance).toHaveLength(1);
    expect(rows.attendance[0]).toMatchObject({ status: 'present', marked_at: '2025-10-01T01:10:00.000Z', marked_by: f.users.teacherA });
    expect(rows.attendance[0]!.version).toBe(versionAfterNewer);
    expect(rows.history.map((h) => h.status).sort()).toEqual(['absent', 'present']);

    // A tie goes to the later write.
    const tie = mark(f.sessions.A, person, 'excused', '2025-10-01T01:10:00.000Z');
    await pushOk(principalA, [tie]);
    rows = await rowsFor(person);
    expect(rows.attendance[0]).toMatchObject({ status: 'excused', marked_by: f.users.principalA });
    expect(rows.attendance[0]!.version).toBeGreaterThan(versionAfterNewer);
    expect(rows.history).toHaveLength(3);
  });

  it('settles several marks of one person in one batch by time, keeping all of them in the history', async () => {
    const person = freshStudentA();
    const batch = [
      mark(f.sessions.A, person, 'late', '2025-10-01T01:20:00.000Z'),
      mark(f.sessions.A, person, 'absent', '2025-10-01T01:00:00.000Z'),
      mark(f.sessions.A, person, 'present', '2025-10-01T01:20:00.000Z'),
    ];
    const res = await pushOk(teacherA, batch);
    expect(res.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    const rows = await rowsFor(person);
    expect(rows.attendance).toHaveLength(1);
    expect(rows.attendance[0]!.status).toBe('present');
    expect(rows.history).toHaveLength(3);
  });

  it('answers an id repeated inside one batch like a retry', async () => {
    const m = mark(f.sessions.A, freshStudentA());
    const changed = { ...m, args: { ...(m.args as object), status: 'absent' } };
    const res = await pushOk(teacherA, [m, m, changed]);
    expect(res.results).toEqual([
      { id: m.id, status: 'applied' },
      { id: m.id, status: 'duplicate' },
      { id: m.id, status: 'rejected', error: REJECTION.idReused },
    ]);
  });

  it('times a mark from a clock far ahead at its arrival', async () => {
    const person = freshStudentA();
    const future = new Date(Date.now() + 3 * 24 * 3600_000).toISOString();
    const started = Date.now();
    await pushOk(teacherA, [mark(f.sessions.A, person, 'present', future)]);
    const markedAt = Date.parse((await rowsFor(person)).attendance[0]!.marked_at);
    expect(markedAt).toBeGreaterThanOrEqual(started - 1000);
    expect(markedAt).toBeLessThanOrEqual(Date.now());
  });

  it('lets the trainer mark at the assigned session only, and refuses cancelled sessions and people who left', async () => {
    const atB = mark(f.sessions.B, f.students.B[2]!);
    const atA = mark(f.sessions.A, freshStudentA());
    const res = await pushOk(trainer, [atB, atA]);
    expect(res.results[0]!.status).toBe('applied');
    expect(res.results[1]).toMatchObject({ status: 'rejected', error: REJECTION.notFound });

    const cancelled = newId();
    const session = await db.kysely.selectFrom('sessions').selectAll().where('id', '=', f.sessions.A).executeTakeFirstOrThrow();
    await db.kysely.transaction().execute(async (trx) => {
      const v = await trx
        .updateTable('stream_versions')
        .set((eb) => ({ version: eb('version', '+', 1) }))
        .where('stream', '=', f.schoolA)
        .returning('version')
        .executeTakeFirstOrThrow();
      await trx.insertInto('sessions').values({ ...session, id: cancelled, status: 'cancelled', version: v.version }).execute();
    });
    const leaver = freshStudentA();
    await db.kysely.updateTable('persons').set({ status: 'left' }).where('id', '=', leaver).execute();
    const refused = await pushOk(teacherA, [mark(cancelled, freshStudentA()), mark(f.sessions.A, leaver)]);
    expect(refused.results.map((r) => r.error)).toEqual([REJECTION.sessionCancelled, REJECTION.personLeft]);
  });

  it('accepts a unit-wide session for the schools under its scope and refuses it elsewhere', async () => {
    const communeSession = newId();
    const session = await db.kysely.selectFrom('sessions').selectAll().where('id', '=', f.sessions.A).executeTakeFirstOrThrow();
    await db.kysely.transaction().execute(async (trx) => {
      const v = await trx
        .insertInto('stream_versions')
        .values({ stream: f.communeA, version: 1 })
        .onConflict((oc) => oc.column('stream').doUpdateSet((eb) => ({ version: eb('stream_versions.version', '+', 1) })))
        .returning('version')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('sessions')
        .values({ ...session, id: communeSession, school_id: null, scope_unit_id: f.communeA, stream: f.communeA, version: v.version })
        .execute();
    });
    const principalB = await signIn(app, 'principalb');
    const atA = await pushOk(teacherA, [mark(communeSession, freshStudentA())]);
    expect(atA.results[0]!.status).toBe('applied');
    const atB = await pushOk(principalB, [mark(communeSession, f.students.B[3]!)]);
    expect(atB.results[0]).toMatchObject({ status: 'rejected', error: REJECTION.notFound });
  });
});
