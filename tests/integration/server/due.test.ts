import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { newId } from '../../../src/shared/domain/ids';
import { UnitDueResponseSchema, type UnitDueResponse } from '../../../src/shared/plan/due-wire';
import { evaluateRequirements, schoolContextFromUnits, summariseDue } from '../../../src/shared/plan/requirements';
import { reserveVersions } from '../../../src/server/db/versions';
import { toSharedRows } from '../../../src/server/sync/rows';
import { buildTestApp, signIn } from '../../helpers/app';
import { testDbKinds, type TestDb } from '../../helpers/db';
import { createFixture, type Fixture } from '../../helpers/fixtures';

/** 09:00 on Saturday 15 November 2025 in Hà Nội: term I under way, the 30 September deadline and October past. */
const NOW = new Date('2025-11-15T02:00:00.000Z');

describe.each(testDbKinds())('what is due per unit on $kind', ({ open }) => {
  let db: TestDb;
  let app: FastifyInstance;
  let f: Fixture;
  let drillType: string;
  const ids = { r1: '', r2: '', r3: '', r4: '', r5: '' };

  async function insertRequirement(values: {
    owner: string;
    title: string;
    type: string;
    target: unknown;
    frequency: unknown;
    audience: unknown;
  }): Promise<string> {
    const id = newId();
    await db.kysely.transaction().execute(async (trx) => {
      await trx
        .insertInto('requirements')
        .values({
          id,
          owner_unit_id: values.owner,
          school_year_id: f.schoolYear,
          title: values.title,
          target: JSON.stringify(values.target),
          activity_type_id: values.type,
          scenario_code: null,
          rotate_scenarios: 0,
          frequency: JSON.stringify(values.frequency),
          audience: JSON.stringify(values.audience),
          indicator: null,
          stream: values.owner,
          version: await reserveVersions(trx, values.owner),
        })
        .execute();
    });
    return id;
  }

  async function insertSession(values: {
    schoolId: string | null;
    scopeUnitId: string;
    type: string;
    startsAt: string;
    audience: unknown;
    status?: string;
  }): Promise<void> {
    const stream = values.schoolId ?? values.scopeUnitId;
    await db.kysely.transaction().execute(async (trx) => {
      await trx
        .insertInto('sessions')
        .values({
          id: newId(),
          school_id: values.schoolId,
          scope_unit_id: values.scopeUnitId,
          school_year_id: f.schoolYear,
          activity_type_id: values.type,
          scenario_code: null,
          title: 'Buổi kiểm thử',
          starts_at: values.startsAt,
          ends_at: new Date(Date.parse(values.startsAt) + 3_600_000).toISOString(),
          place: null,
          audience: JSON.stringify(values.audience),
          facilitator_person_id: null,
          trainer_user_id: null,
          material_ids: '[]',
          periods: null,
          status: values.status ?? 'planned',
          revision: 0,
          created_by: f.users.officerDept,
          created_at: NOW.toISOString(),
          updated_at: NOW.toISOString(),
          series_id: null,
          cancel_reason: null,
          stream,
          version: await reserveVersions(trx, stream),
        })
        .execute();
    });
  }

  const students = (grades: number[] = []) => ({ classIds: [], grades, staff: false, youthStaffOnly: false, parents: false });

  beforeAll(async () => {
    db = await open();
    f = await createFixture(db.kysely, 2);
    app = await buildTestApp(db);
    drillType = newId();
    await db.kysely.transaction().execute(async (trx) => {
      await trx
        .insertInto('activity_types')
        .values({
          id: drillType,
          owner_unit_id: f.department,
          code: 'drill',
          name: 'Diễn tập PCCC',
          name_en: 'Fire drill',
          scenarios: '[]',
          audiences: '["students","staff"]',
          indicators: '[]',
          carries_commitment: 0,
          carries_periods: 0,
          stream: f.department,
          version: await reserveVersions(trx, f.department),
        })
        .execute();
    });
    // Each school already has a legal-education session on 1 October for its class and staff (the fixture's).
    ids.r1 = await insertRequirement({
      owner: f.department,
      title: 'Cán bộ dự 1 buổi tuyên truyền pháp luật mỗi năm',
      type: f.activityType,
      target: { kind: 'all' },
      frequency: { kind: 'year', count: 1 },
      audience: { kind: 'staff', grade: null },
    });
    ids.r2 = await insertRequirement({
      owner: f.department,
      title: 'Diễn tập trước 30/9',
      type: drillType,
      target: { kind: 'all' },
      frequency: { kind: 'byDate', dueDate: '2025-09-30' },
      audience: { kind: 'students', grade: null },
    });
    ids.r3 = await insertRequirement({
      owner: f.communeA,
      title: 'Phường A: tuyên truyền pháp luật cho học sinh mỗi học kỳ',
      type: f.activityType,
      target: { kind: 'all' },
      frequency: { kind: 'term', count: 1 },
      audience: { kind: 'students', grade: null },
    });
    // Only the class on the fixture's session says it reaches grade 10: the server must read the class's grade.
    ids.r4 = await insertRequirement({
      owner: f.department,
      title: 'THPT: tuyên truyền pháp luật cho khối 10',
      type: f.activityType,
      target: { kind: 'level', schoolLevels: ['thpt'] },
      frequency: { kind: 'year', count: 1 },
      audience: { kind: 'grade', grade: 10 },
    });
    ids.r5 = await insertRequirement({
      owner: f.cluster,
      title: 'Cụm 1: diễn tập mỗi tháng',
      type: drillType,
      target: { kind: 'cluster', unitId: f.cluster },
      frequency: { kind: 'month', count: 1 },
      audience: { kind: 'students', grade: null },
    });
    // A ward-wide drill reaches school A only; school B's own drill was cancelled and counts for nothing.
    await insertSession({ schoolId: null, scopeUnitId: f.communeA, type: drillType, startsAt: '2025-09-20T01:00:00.000Z', audience: students([1, 2, 3, 4, 5]) });
    await insertSession({ schoolId: f.schoolB, scopeUnitId: f.schoolB, type: drillType, startsAt: '2025-09-25T01:00:00.000Z', audience: students([6]), status: 'cancelled' });
    // Term II at school A is planned already.
    await insertSession({ schoolId: f.schoolA, scopeUnitId: f.schoolA, type: f.activityType, startsAt: '2026-03-10T01:00:00.000Z', audience: students([5]) });

    await db.kysely
      .insertInto('sync_clients')
      .values([
        { client_id: 'dev-a1', user_id: f.users.teacherA, school_id: f.schoolA, first_seen_at: '2025-09-01T00:00:00.000Z', last_push_at: '2025-11-10T03:00:00.000Z', last_pull_at: '2025-11-14T08:30:00.000Z' },
        { client_id: 'dev-a2', user_id: f.users.principalA, school_id: f.schoolA, first_seen_at: '2025-09-01T00:00:00.000Z', last_push_at: '2025-11-12T03:00:00.000Z', last_pull_at: null },
        { client_id: 'dev-c1', user_id: f.users.teacherC, school_id: f.schoolC, first_seen_at: '2025-09-01T00:00:00.000Z', last_push_at: null, last_pull_at: '2025-10-02T01:00:00.000Z' },
        // An officer's device is filed under no school.
        { client_id: 'dev-o1', user_id: f.users.officerDept, school_id: null, first_seen_at: '2025-09-01T00:00:00.000Z', last_push_at: '2025-11-15T01:00:00.000Z', last_pull_at: '2025-11-15T01:00:00.000Z' },
      ])
      .execute();
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Asks as a user with the server's clock at NOW (only Date is faked: timers and the database run as usual). */
  async function ask(username: string, query: string) {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    const headers = await signIn(app, username);
    return app.inject({ method: 'GET', url: `/api/due?${query}`, headers });
  }

  async function answer(username: string, query: string): Promise<UnitDueResponse> {
    const res = await ask(username, query);
    expect(res.statusCode, res.body).toBe(200);
    return UnitDueResponseSchema.parse(res.json());
  }

  it('gives each school under the unit the counts evaluateRequirements gives on the same rows', async () => {
    const got = await answer('officerdept', `unitId=${f.department}`);
    expect(got).toMatchObject({ unitId: f.department, unitName: 'Sở GDĐT (test)', today: '2025-11-15', schoolYear: { id: f.schoolYear, label: '2025-2026' } });
    expect(got.generatedAt).toBe(NOW.toISOString());

    // The same rows, read as a device would hold them, evaluated directly with the device's school context.
    const k = db.kysely;
    const units = await toSharedRows(k, 'unit', await k.selectFrom('units').selectAll().execute());
    const [year] = await toSharedRows(k, 'schoolYear', await k.selectFrom('school_years').selectAll().execute());
    const requirements = await toSharedRows(k, 'requirement', await k.selectFrom('requirements').selectAll().execute());
    const activityTypes = await toSharedRows(k, 'activityType', await k.selectFrom('activity_types').selectAll().execute());
    const sessions = await toSharedRows(k, 'session', await k.selectFrom('sessions').selectAll().execute());
    const classes = await toSharedRows(k, 'class', await k.selectFrom('classes').selectAll().execute());
    for (const school of [f.schoolA, f.schoolB, f.schoolC]) {
      const items = evaluateRequirements({
        requirements,
        activityTypes,
        school: schoolContextFromUnits(school, units),
        year: year!,
        sessions,
        classes: classes.filter((c) => c.schoolId === school),
        today: '2025-11-15',
      });
      const mine = got.schools.find((s) => s.schoolId === school)!;
      expect(mine.counts, school).toEqual(summariseDue(items));
      expect(mine.overdue.map((o) => `${o.requirementId}:${o.periodKey}`).sort()).toEqual(
        items.filter((i) => i.status === 'overdue').map((i) => `${i.requirement.id}:${i.period.key}`).sort(),
      );
    }

    // And the figures themselves, worked out by hand from the rows above.
    const bySchool = new Map(got.schools.map((s) => [s.schoolId, s]));
    expect(bySchool.get(f.schoolA)!.counts).toEqual({ overdue: 1, not_scheduled: 7, scheduled: 1, done: 4 });
    expect(bySchool.get(f.schoolB)!.counts).toEqual({ overdue: 1, not_scheduled: 0, scheduled: 0, done: 1 });
    expect(bySchool.get(f.schoolC)!.counts).toEqual({ overdue: 3, not_scheduled: 7, scheduled: 0, done: 2 });
    expect(got.totals).toEqual({ overdue: 5, not_scheduled: 14, scheduled: 1, done: 7 });
    // Most overdue first, then most left unscheduled.
    expect(got.schools.map((s) => s.schoolId)).toEqual([f.schoolC, f.schoolA, f.schoolB]);
    expect(got.schools.map((s) => [s.name, s.schoolLevel])).toEqual([
      ['Trường THPT C', 'thpt'],
      ['Trường Tiểu học A', 'th'],
      ['Trường THCS B', 'thcs'],
    ]);
  });

  it('lists the overdue periods with their deadlines, oldest first', async () => {
    const got = await answer('officerdept', `unitId=${f.department}&schoolYearId=${f.schoolYear}`);
    const c = got.schools.find((s) => s.schoolId === f.schoolC)!;
    // The same deadline: by title.
    expect(c.overdue).toEqual([
      { requirementId: ids.r5, title: 'Cụm 1: diễn tập mỗi tháng', periodKey: 'month-2025-09', periodLabel: '09/2025', end: '2025-09-30' },
      { requirementId: ids.r2, title: 'Diễn tập trước 30/9', periodKey: 'by-2025-09-30', periodLabel: '30/09/2025', end: '2025-09-30' },
      { requirementId: ids.r5, title: 'Cụm 1: diễn tập mỗi tháng', periodKey: 'month-2025-10', periodLabel: '10/2025', end: '2025-10-31' },
    ]);
    const b = got.schools.find((s) => s.schoolId === f.schoolB)!;
    expect(b.overdue).toEqual([
      { requirementId: ids.r2, title: 'Diễn tập trước 30/9', periodKey: 'by-2025-09-30', periodLabel: '30/09/2025', end: '2025-09-30' },
    ]);
  });

  it("takes each school's last sync from its devices' latest push or pull", async () => {
    const got = await answer('admin', `unitId=${f.department}`);
    const last = Object.fromEntries(got.schools.map((s) => [s.schoolId, s.lastSyncAt]));
    expect(last).toEqual({ [f.schoolA]: '2025-11-14T08:30:00.000Z', [f.schoolB]: null, [f.schoolC]: '2025-10-02T01:00:00.000Z' });
  });

  it("gives a commune officer only the commune's schools, and a cluster officer the cluster's", async () => {
    const commune = await answer('officercommunea', `unitId=${f.communeA}`);
    expect(commune.schools.map((s) => s.schoolId)).toEqual([f.schoolA]);
    expect(commune.totals).toEqual(commune.schools[0]!.counts);
    const cluster = await answer('officercluster', `unitId=${f.cluster}`);
    expect(cluster.schools.map((s) => s.schoolId).sort()).toEqual([f.schoolA, f.schoolC].sort());
  });

  it("lets a school's own teacher follow the school, and nothing above it", async () => {
    const own = await answer('teachera', `unitId=${f.schoolA}`);
    expect(own.schools.map((s) => s.schoolId)).toEqual([f.schoolA]);

    const commune = await ask('teachera', `unitId=${f.communeA}`);
    const missing = await ask('teachera', `unitId=${newId()}`);
    expect(commune.statusCode).toBe(404);
    expect(commune.body).not.toContain('Trường');
    expect(commune.json()).toEqual(missing.json());
    expect((await ask('teachera', `unitId=${f.schoolB}`)).statusCode).toBe(404);
    expect((await ask('officercommunea', `unitId=${f.communeB}`)).statusCode).toBe(404);
    expect((await ask('trainer', `unitId=${f.schoolB}`)).statusCode).toBe(404);
  });

  it('answers 404 for a school year that does not exist, and 400 for a malformed query', async () => {
    const year = await ask('officerdept', `unitId=${f.department}&schoolYearId=${newId()}`);
    expect(year.statusCode).toBe(404);
    const bad = await ask('officerdept', 'unitId=not-an-id');
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { fields: { field: string }[] }).fields.map((x) => x.field)).toEqual(['unitId']);
  });

  it('leaves closed schools out', async () => {
    await db.kysely.updateTable('units').set({ status: 'closed' }).where('id', '=', f.schoolB).execute();
    try {
      const got = await answer('officerdept', `unitId=${f.department}`);
      expect(got.schools.map((s) => s.schoolId)).toEqual([f.schoolC, f.schoolA]);
    } finally {
      await db.kysely.updateTable('units').set({ status: 'active' }).where('id', '=', f.schoolB).execute();
    }
  });
});
