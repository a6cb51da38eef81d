import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/domain/ids';
import { SCHEMA_VERSION } from '../../../src/shared/sync/wire';
import { buildTestApp, signIn } from '../../helpers/app';
import { testDbKinds, type TestDb } from '../../helpers/db';
import { createFixture, type Fixture } from '../../helpers/fixtures';

/**
 * A make-up session names its audience person by person (`audience.personIds`): the server keeps the names, hands
 * them back in the pull, and accepts attendance for exactly those people.
 */
describe.each(testDbKinds())('a make-up session for named people on $kind', ({ open }) => {
  let db: TestDb;
  let app: FastifyInstance;
  let f: Fixture;
  let principal: Record<string, string>;

  beforeAll(async () => {
    db = await open();
    f = await createFixture(db.kysely);
    app = await buildTestApp(db);
    await app.ready();
    principal = await signIn(app, 'principala');
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  async function push(mutations: Array<{ name: string; args: unknown }>) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/sync/push',
      headers: principal,
      payload: {
        clientId: `test-device-${newId()}`,
        schemaVersion: SCHEMA_VERSION,
        mutations: mutations.map((m) => ({ id: newId(), name: m.name, args: m.args, clientTime: new Date().toISOString() })),
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { results: { status: string; error?: string }[] }).results;
  }

  it('keeps the named people, pulls them back, and takes attendance for them only', async () => {
    const sessionId = newId();
    const named = [f.staff.A[1]!, f.students.A[0]!];
    const results = await push([
      {
        name: 'session.create',
        args: {
          id: sessionId,
          schoolId: f.schoolA,
          scopeUnitId: f.schoolA,
          schoolYearId: f.schoolYear,
          seriesId: null,
          title: 'Buổi bù: tuyên truyền pháp luật',
          activityTypeId: f.activityType,
          scenarioCode: null,
          startsAt: '2026-03-10T07:00:00.000Z',
          endsAt: '2026-03-10T08:30:00.000Z',
          place: 'Phòng họp',
          audience: { classIds: [], grades: [], staff: false, youthStaffOnly: false, parents: false, personIds: named },
          facilitatorPersonId: null,
          trainerUserId: null,
          materialIds: [],
          periods: null,
        },
      },
    ]);
    expect(results).toEqual([expect.objectContaining({ status: 'applied' })]);

    const pulled = await app.inject({ method: 'GET', url: `/api/sync/pull?limit=5000&clientId=test-device-${newId()}`, headers: principal });
    const row = (pulled.json() as { changes: { entity: string; row: Record<string, unknown> }[] }).changes.find(
      (c) => c.entity === 'session' && c.row.id === sessionId,
    )?.row;
    expect((row?.audience as { personIds?: string[] }).personIds).toEqual(named);

    const mark = (personId: string) => ({ name: 'attendance.mark', args: { sessionId, personId, status: 'present' } });
    const marks = await push([mark(named[0]!), mark(named[1]!), mark(f.students.A[1]!)]);
    expect(marks.map((r) => r.status)).toEqual(['applied', 'applied', 'rejected']);
  });

  it('refuses a session whose audience is empty, named people included', async () => {
    const results = await push([
      {
        name: 'session.create',
        args: {
          id: newId(),
          schoolId: f.schoolA,
          scopeUnitId: f.schoolA,
          schoolYearId: f.schoolYear,
          seriesId: null,
          title: 'Buổi bù không có ai',
          activityTypeId: f.activityType,
          scenarioCode: null,
          startsAt: '2026-03-11T07:00:00.000Z',
          endsAt: '2026-03-11T08:30:00.000Z',
          place: null,
          audience: { classIds: [], grades: [], staff: false, youthStaffOnly: false, parents: false, personIds: [] },
          facilitatorPersonId: null,
          trainerUserId: null,
          materialIds: [],
          periods: null,
        },
      },
    ]);
    expect(results[0]?.status).toBe('rejected');
  });
});
