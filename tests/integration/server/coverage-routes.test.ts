import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SchoolCoverageResponseSchema, UnitCoverageResponseSchema } from '../../../src/shared/coverage/wire';
import { newId } from '../../../src/shared/domain/ids';
import { SCHEMA_VERSION } from '../../../src/shared/sync/wire';
import { reserveVersions } from '../../../src/server/db/versions';
import { buildTestApp, signIn } from '../../helpers/app';
import { testDbKinds, type TestDb } from '../../helpers/db';
import { createFixture, type Fixture } from '../../helpers/fixtures';

/**
 * The coverage routes end to end on the real app: answers that match their shared schemas, figures that follow the
 * sync path's writes (the per-school cache is checked against stream versions), names of the missing, and scope.
 * Who may call which route with what is in the access matrix (tests/helpers/coverage-routes.ts).
 */
describe.each(testDbKinds())('coverage routes on $kind', ({ open }) => {
  let db: TestDb;
  let app: FastifyInstance;
  let f: Fixture;

  beforeAll(async () => {
    db = await open();
    f = await createFixture(db.kysely, 3);
    app = await buildTestApp(db);
    // School A's legal-education session (the fixture's, on 1 October) was held.
    await db.kysely.transaction().execute(async (trx) => {
      await trx.updateTable('sessions').set({ status: 'done', version: await reserveVersions(trx, f.schoolA) }).where('id', '=', f.sessions.A).execute();
    });
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const get = async (user: string, url: string) => {
    const res = await app.inject({ method: 'GET', url, headers: await signIn(app, user) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as unknown;
  };
  const staffOf = (body: { indicators: { code: string; numerator: number; denominator: number }[] }) =>
    body.indicators.find((i) => i.code === 'staffLegalEducation')!;

  it('the Sở dashboard: every school, the units below, totals that add up', async () => {
    const body = UnitCoverageResponseSchema.parse(await get('officerdept', `/api/coverage?unitId=${f.department}&schoolYearId=${f.schoolYear}`));
    expect(body.schools.map((s) => s.schoolId).sort()).toEqual([f.schoolA, f.schoolB, f.schoolC].sort());
    expect(body.schools.every((s) => s.indicators.length === 6)).toBe(true);
    for (const total of body.totals) {
      const sum = body.schools.reduce((n, s) => n + s.indicators.find((i) => i.code === total.code)!.denominator, 0);
      expect(total.denominator).toBe(sum);
    }
    const communeA = body.children.find((c) => c.unitId === f.communeA)!;
    expect(communeA.schoolCount).toBe(1);
    expect(body.children.find((c) => c.unitId === f.cluster)!.schoolCount).toBe(2);
    // Every school has 3 students and 2 staff; nothing signed or attended yet.
    expect(staffOf(body.schools.find((s) => s.schoolId === f.schoolA)!)).toMatchObject({ numerator: 0, denominator: 2, percentage: 0 });
  });

  it('follows a mark pushed through sync, and names who is still missing', async () => {
    const url = `/api/coverage?unitId=${f.communeA}&schoolYearId=${f.schoolYear}`;
    const before = UnitCoverageResponseSchema.parse(await get('officercommunea', url));
    expect(staffOf(before.schools[0]!)).toMatchObject({ numerator: 0, denominator: 2 });

    const push = await app.inject({
      method: 'POST',
      url: '/api/sync/push',
      headers: await signIn(app, 'teachera'),
      payload: {
        clientId: `test-device-${newId()}`,
        schemaVersion: SCHEMA_VERSION,
        mutations: [
          { id: newId(), name: 'attendance.mark', args: { sessionId: f.sessions.A, personId: f.staff.A[0], status: 'present' }, clientTime: new Date().toISOString() },
        ],
      },
    });
    expect((push.json() as { results: { status: string }[] }).results[0]!.status).toBe('applied');

    const after = UnitCoverageResponseSchema.parse(await get('officercommunea', url));
    expect(staffOf(after.schools[0]!)).toMatchObject({ numerator: 1, denominator: 2, percentage: 50 });
    // The device that pushed is now the school's last sync.
    expect(after.schools[0]!.lastSyncAt).not.toBeNull();

    const school = SchoolCoverageResponseSchema.parse(await get('principala', `/api/coverage/schools/${f.schoolA}?schoolYearId=${f.schoolYear}&termNo=1`));
    expect(school.period.termNo).toBe(1);
    expect(staffOf(school)).toMatchObject({ numerator: 1, denominator: 2 });
    expect(school.indicators.find((i) => i.code === 'staffLegalEducation')!.missing.map((m) => m.id)).toEqual([f.staff.A[1]]);
    expect(school.classes).toHaveLength(1);
    expect(school.classes[0]!.indicators.find((i) => i.code === 'studentsVolunteering')).toMatchObject({ numerator: 0, denominator: 3 });
  });

  it('a term the year does not have is a clear 400', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/coverage?unitId=${f.communeA}&schoolYearId=${f.schoolYear}&termNo=4`,
      headers: await signIn(app, 'officercommunea'),
    });
    expect(res.statusCode).toBe(400);
    expect((res.json() as { message: string }).message).toMatch(/học kỳ/);
  });

  it('a ward officer sees only the ward’s schools, and nothing of another ward’s school', async () => {
    const body = UnitCoverageResponseSchema.parse(await get('officercommunea', `/api/coverage?unitId=${f.communeA}`));
    expect(body.schools.map((s) => s.schoolId)).toEqual([f.schoolA]);
    const headers = await signIn(app, 'officercommunea');
    for (const url of [`/api/coverage?unitId=${f.communeB}`, `/api/coverage?unitId=${f.schoolB}`, `/api/coverage?unitId=${f.department}`, `/api/coverage/schools/${f.schoolB}`]) {
      expect((await app.inject({ method: 'GET', url, headers })).statusCode, url).toBe(404);
    }
  });
});
