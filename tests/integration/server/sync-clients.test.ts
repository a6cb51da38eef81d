import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { testDbKinds, type TestDb } from '../../helpers/db';
import { createFixture, type Fixture } from '../../helpers/fixtures';
import { buildTestApp, signIn } from '../../helpers/app';
import { newId } from '../../../src/shared/domain/ids';
import { SCHEMA_VERSION, type PushResponse } from '../../../src/shared/sync/wire';
import { FOREIGN_CLIENT } from '../../../src/server/sync/clients';

type Headers = Record<string, string>;

describe.each(testDbKinds())('sync clientIds on $kind', ({ open }) => {
  let db: TestDb;
  let app: FastifyInstance;
  let f: Fixture;
  let teacherA: Headers;
  let principalA: Headers;
  let officerDept: Headers;

  beforeAll(async () => {
    db = await open();
    f = await createFixture(db.kysely, 20);
    app = await buildTestApp(db);
    teacherA = await signIn(app, 'teachera');
    principalA = await signIn(app, 'principala');
    officerDept = await signIn(app, 'officerdept');
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  let nextStudent = 0;
  const mark = () => ({
    id: newId(),
    name: 'attendance.mark',
    args: { sessionId: f.sessions.A, personId: f.students.A[nextStudent++]!, status: 'present' },
    clientTime: new Date().toISOString(),
  });
  const push = (headers: Headers, clientId: string, mutations: unknown[] = [mark()]) =>
    app.inject({ method: 'POST', url: '/api/sync/push', headers, payload: { clientId, schemaVersion: SCHEMA_VERSION, mutations } });
  const pull = (headers: Headers, clientId?: string) =>
    app.inject({
      method: 'GET',
      url: `/api/sync/pull?limit=10${clientId === undefined ? '' : `&clientId=${encodeURIComponent(clientId)}`}`,
      headers,
    });
  const clientRow = (clientId: string) =>
    db.kysely.selectFrom('sync_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
  async function counts() {
    const n = async (table: string) =>
      Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db.kysely)).rows[0]!.n);
    return {
      attendance: await n('attendance'),
      history: await n('attendance_history'),
      applied: await n('applied_mutations'),
      clients: await n('sync_clients'),
      versions: await db.kysely.selectFrom('stream_versions').select(['stream', 'version']).orderBy('stream').execute(),
    };
  }
  const device = () => `device-${newId()}`;

  it('binds a clientId to its first user and records the school, the first sighting and the last push and pull', async () => {
    const clientId = `${device()}.${f.users.teacherA}`;
    const before = new Date().toISOString();
    const res = await push(teacherA, clientId);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<PushResponse>().results[0]!.status).toBe('applied');
    const afterPush = await clientRow(clientId);
    expect(afterPush).toMatchObject({ user_id: f.users.teacherA, school_id: f.schoolA, last_pull_at: null });
    expect(afterPush!.first_seen_at >= before).toBe(true);
    expect(afterPush!.last_push_at).toBe(afterPush!.first_seen_at);

    expect((await pull(teacherA, clientId)).statusCode).toBe(200);
    const afterPull = await clientRow(clientId);
    expect(afterPull).toMatchObject({
      user_id: f.users.teacherA,
      first_seen_at: afterPush!.first_seen_at,
      last_push_at: afterPush!.last_push_at,
    });
    expect(afterPull!.last_pull_at! >= afterPush!.last_push_at!).toBe(true);

    await new Promise((r) => setTimeout(r, 5));
    expect((await push(teacherA, clientId)).statusCode).toBe(200);
    const later = await clientRow(clientId);
    expect(later!.last_push_at! > afterPush!.last_push_at!).toBe(true);
    expect(later!.first_seen_at).toBe(afterPush!.first_seen_at);
  });

  it('binds on a first pull too, and files users without a school grant under no school', async () => {
    const clientId = `${device()}.${f.users.officerDept}`;
    expect((await pull(officerDept, clientId)).statusCode).toBe(200);
    expect(await clientRow(clientId)).toMatchObject({ user_id: f.users.officerDept, school_id: null, last_push_at: null });
  });

  it("refuses another user's push with the bound clientId and writes nothing", async () => {
    const clientId = `${device()}.${f.users.teacherA}`;
    expect((await push(teacherA, clientId)).statusCode).toBe(200);
    const bound = await clientRow(clientId);
    const before = await counts();

    const res = await push(principalA, clientId, [mark(), mark()]);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ error: 'forbidden', message: FOREIGN_CLIENT });
    expect(FOREIGN_CLIENT).toBe('clientId thuộc về người dùng khác (clientId belongs to another user)');
    // A batch the server would reject mutation by mutation is refused whole as well.
    const invalid = await push(principalA, clientId, [{ ...mark(), args: { status: 'maybe' } }]);
    expect(invalid.statusCode).toBe(403);

    expect(await counts()).toEqual(before);
    expect(await clientRow(clientId)).toEqual(bound);
  });

  it("refuses another user's pull with the bound clientId, and serves a pull without a clientId unrecorded", async () => {
    const clientId = `${device()}.${f.users.teacherA}`;
    expect((await pull(teacherA, clientId)).statusCode).toBe(200);
    const bound = await clientRow(clientId);

    const res = await pull(principalA, clientId);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ error: 'forbidden', message: FOREIGN_CLIENT });
    expect(await clientRow(clientId)).toEqual(bound);

    const before = await counts();
    expect((await pull(principalA)).statusCode).toBe(200);
    expect(await counts()).toEqual(before);
  });

  it('records a push whose mutations were all rejected: the device did reach the server', async () => {
    const clientId = `${device()}.${f.users.teacherA}`;
    const res = await push(teacherA, clientId, [{ ...mark(), name: 'attendance.unknown' }]);
    expect(res.statusCode).toBe(200);
    expect(res.json<PushResponse>().results[0]!.status).toBe('rejected');
    expect(await clientRow(clientId)).toMatchObject({ user_id: f.users.teacherA, school_id: f.schoolA });
  });

  it('gives a new clientId to exactly one of two users who use it at the same moment', async () => {
    for (let round = 0; round < 5; round += 1) {
      const clientId = device();
      const before = await counts();
      const [a, b] = await Promise.all([push(teacherA, clientId), push(principalA, clientId)]);
      const statuses = [a.statusCode, b.statusCode].sort();
      expect(statuses).toEqual([200, 403]);
      const winner = a.statusCode === 200 ? f.users.teacherA : f.users.principalA;
      expect((await clientRow(clientId))?.user_id).toBe(winner);
      const after = await counts();
      // Only the winner's one mark was written.
      expect(after.applied - before.applied).toBe(1);
      expect(after.history - before.history).toBe(1);
      expect(after.clients - before.clients).toBe(1);
    }
  });
});
