import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnitCoverageResponseSchema } from '../../../src/shared/coverage/wire';
import { newId } from '../../../src/shared/domain/ids';
import { SCHEMA_VERSION } from '../../../src/shared/sync/wire';
import { reserveVersions } from '../../../src/server/db/versions';
import { buildTestApp, signIn } from '../../helpers/app';
import { testDbKinds, type TestDb } from '../../helpers/db';
import { createFixture, type Fixture } from '../../helpers/fixtures';

/**
 * The person-based counts persisted in `coverage_counts` (CoverageService.cachedCounts): a restarted server (a new
 * app over the same database, its memory empty) answers from them while the school's streams have not moved, and
 * recounts as soon as they have, or when an entry cannot be read. To tell "read from the table" from "counted
 * again", the test plants a figure in the table that the data does not give.
 */
describe.each(testDbKinds())('persisted coverage counts on $kind', ({ open }) => {
  let db: TestDb;
  let f: Fixture;
  const apps: FastifyInstance[] = [];
  const start = async () => {
    const app = await buildTestApp(db);
    apps.push(app);
    return app;
  };

  beforeAll(async () => {
    db = await open();
    f = await createFixture(db.kysely, 3);
    // School A's legal-education session (the fixture's) was held, so a staff mark at it counts.
    await db.kysely.transaction().execute(async (trx) => {
      await trx.updateTable('sessions').set({ status: 'done', version: await reserveVersions(trx, f.schoolA) }).where('id', '=', f.sessions.A).execute();
    });
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await db.drop();
  });

  const staffOfA = async (app: FastifyInstance) => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/coverage?unitId=${f.communeA}&schoolYearId=${f.schoolYear}`,
      headers: await signIn(app, 'officercommunea'),
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = UnitCoverageResponseSchema.parse(res.json());
    const school = body.schools.find((s) => s.schoolId === f.schoolA)!;
    return school.indicators.find((i) => i.code === 'staffLegalEducation')!;
  };
  const entryOfA = () => db.kysely.selectFrom('coverage_counts').selectAll().where('school_id', '=', f.schoolA).execute();
  /** Plants numerator `n` for staff legal education in school A's persisted entry, its versions left as they are. */
  const plant = async (n: number) => {
    const [entry] = await entryOfA();
    const counts = JSON.parse(entry!.counts) as { numerator: Record<string, number> };
    counts.numerator.staffLegalEducation = n;
    await db.kysely.updateTable('coverage_counts').set({ counts: JSON.stringify(counts) }).where('school_id', '=', f.schoolA).execute();
  };

  it('stores the counts, and a restarted server answers from them while nothing moved', async () => {
    const first = await start();
    expect(await staffOfA(first)).toMatchObject({ numerator: 0, denominator: 2 });
    const entries = await entryOfA();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ school_year_id: f.schoolYear });
    expect(JSON.parse(entries[0]!.counts)).toMatchObject({ numerator: { staffLegalEducation: 0 }, denominator: { staffLegalEducation: 2 } });

    await plant(2);
    // The running server keeps its own memory; a new one trusts the table, whose versions still match.
    expect(await staffOfA(first)).toMatchObject({ numerator: 0 });
    expect(await staffOfA(await start())).toMatchObject({ numerator: 2, denominator: 2 });
  });

  it('recounts a school whose stream moved, and stores the new counts for the next server', async () => {
    const push = await apps[0]!.inject({
      method: 'POST',
      url: '/api/sync/push',
      headers: await signIn(apps[0]!, 'teachera'),
      payload: {
        clientId: `test-device-${newId()}`,
        schemaVersion: SCHEMA_VERSION,
        mutations: [
          { id: newId(), name: 'attendance.mark', args: { sessionId: f.sessions.A, personId: f.staff.A[0], status: 'present' }, clientTime: new Date().toISOString() },
        ],
      },
    });
    expect((push.json() as { results: { status: string }[] }).results[0]!.status).toBe('applied');

    // The planted 2 is not trusted any more: the mark moved school A's stream.
    expect(await staffOfA(await start())).toMatchObject({ numerator: 1, denominator: 2, percentage: 50 });
    const [entry] = await entryOfA();
    expect(JSON.parse(entry!.counts)).toMatchObject({ numerator: { staffLegalEducation: 1 } });
    expect(await staffOfA(await start())).toMatchObject({ numerator: 1 });
  });

  it('recounts an entry it cannot read, and one stored under other versions', async () => {
    await db.kysely.updateTable('coverage_counts').set({ counts: '{"numerator":' }).where('school_id', '=', f.schoolA).execute();
    expect(await staffOfA(await start())).toMatchObject({ numerator: 1, denominator: 2 });

    await plant(2);
    await db.kysely.updateTable('coverage_counts').set({ versions: 'r0:other-rules' }).where('school_id', '=', f.schoolA).execute();
    expect(await staffOfA(await start())).toMatchObject({ numerator: 1 });
  });

  it('the background refresh counts every school for the year and each term, and a new server answers from it', async () => {
    await db.kysely.deleteFrom('coverage_counts').execute();
    const app = await start();
    const terms = await db.kysely.selectFrom('terms').select('id').where('school_year_id', '=', f.schoolYear).execute();
    // A day inside the fixture's school year (2025-2026): the year the refresh finds under way.
    const figures = await app.ctx.coverage.refresh(await app.ctx.orgTree.get(), new Date('2026-03-02T03:00:00Z'));
    const schools = [f.schoolA, f.schoolB, f.schoolC].length;
    expect(figures).toBe(schools * (1 + terms.length));
    const stored = await db.kysely.selectFrom('coverage_counts').select(['school_id']).execute();
    expect(stored).toHaveLength(schools * (1 + terms.length));
    expect(new Set(stored.map((r) => r.school_id))).toEqual(new Set([f.schoolA, f.schoolB, f.schoolC]));

    // A second refresh with nothing moved finds every count current and changes nothing.
    await plant(2);
    await app.ctx.coverage.refresh(await app.ctx.orgTree.get(), new Date('2026-03-02T03:00:00Z'));
    expect(await staffOfA(await start())).toMatchObject({ numerator: 2 });
  });
});
