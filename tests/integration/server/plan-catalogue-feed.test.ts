import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityType, Requirement } from '../../../src/shared/domain/activities';
import { newId } from '../../../src/shared/domain/ids';
import { reserveVersions } from '../../../src/server/db/versions';
import { REJECTION } from '../../../src/server/sync/reasons';
import { PLAN_REJECTION } from '../../../src/server/sync/handlers/plan-reasons';
import { buildTestApp, signIn } from '../../helpers/app';
import { testDbKinds, type TestDb } from '../../helpers/db';
import { createFixture, type Fixture } from '../../helpers/fixtures';
import { Device, createArgs, replay } from './plan-helpers';

describe.each(testDbKinds())('the plan\'s catalogue and the calendar feed on $kind', ({ open }) => {
  let db: TestDb;
  let app: FastifyInstance;
  let f: Fixture;
  const device = async (username: string) => new Device(app, await signIn(app, username));

  const drillType = (owner: string): ActivityType => ({
    id: newId(),
    ownerUnitId: owner,
    code: 'drill',
    name: 'Diễn tập PCCC và CNCH',
    nameEn: 'Fire and rescue drill',
    scenarios: [
      { code: 'fire_evacuation', name: 'Cháy, thoát nạn', nameEn: 'Fire and evacuation' },
      { code: 'earthquake', name: 'Động đất', nameEn: 'Earthquake' },
    ],
    audiences: ['students', 'staff'],
    indicators: ['drills_held'],
    carriesCommitment: false,
    carriesPeriods: false,
  });
  const requirement = (owner: string, activityTypeId: string, extra: Partial<Requirement> = {}): Requirement => ({
    id: newId(),
    ownerUnitId: owner,
    schoolYearId: f.schoolYear,
    title: 'Mỗi học kỳ diễn tập ít nhất 1 lần, lần lượt từng tình huống',
    target: { kind: 'all' },
    activityTypeId,
    scenarioCode: null,
    rotateScenarios: true,
    frequency: { kind: 'term', count: 1 },
    audience: { kind: 'students', grade: null },
    indicator: 'drills_held',
    ...extra,
  });

  beforeAll(async () => {
    db = await open();
    f = await createFixture(db.kysely, 2);
    app = await buildTestApp(db);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('sends the department\'s activity types and requirements to every school, and a removal deletes them there', async () => {
    const officer = await device('officerdept');
    const schools = [await device('teachera'), await device('teacherb'), await device('teacherc')];
    for (const d of schools) await d.pull();
    const type = drillType(f.department);
    const req = requirement(f.department, type.id);
    expect((await officer.push([{ name: 'activityType.save', args: type }, { name: 'requirement.save', args: req }])).map((r) => r.status)).toEqual([
      'applied',
      'applied',
    ]);
    for (const d of schools) {
      const changes = await d.pull();
      expect(replay(changes, 'activityType').get(type.id)).toEqual(type);
      expect(replay(changes, 'requirement').get(req.id)).toEqual(req);
    }

    const renamed = { ...req, title: 'Mỗi học kỳ diễn tập ít nhất 1 lần', frequency: { kind: 'year' as const, count: 2 } };
    await officer.push([{ name: 'requirement.save', args: renamed }]);
    for (const d of schools) expect(replay(await d.pull(), 'requirement').get(req.id)).toEqual(renamed);

    expect(await officer.push([{ name: 'requirement.remove', args: { id: req.id } }])).toMatchObject([{ status: 'applied' }]);
    for (const d of schools) {
      const changes = await d.pull();
      expect(changes).toContainEqual({ entity: 'requirement', op: 'delete', row: { id: req.id } });
    }
    // A device that starts now never sees it.
    const fresh = await device('teachera');
    expect(replay(await fresh.pull(), 'requirement').has(req.id)).toBe(false);
    expect(await db.kysely.selectFrom('requirements').select('id').where('id', '=', req.id).execute()).toEqual([]);
  });

  it('lets a commune office add requirements for its schools only, and keeps the owner fixed', async () => {
    const officerA = await device('officercommunea');
    const officerDept = await device('officerdept');
    const principal = await device('principala');
    const type = drillType(f.department);
    await officerDept.push([{ name: 'activityType.save', args: type }]);

    const own = requirement(f.communeA, type.id, { target: { kind: 'subtree', unitId: f.communeA }, scenarioCode: 'earthquake', rotateScenarios: false });
    const results = await officerA.push([
      { name: 'requirement.save', args: own },
      // The department's and commune B's catalogues are not commune A's to keep.
      { name: 'requirement.save', args: requirement(f.department, type.id) },
      { name: 'requirement.save', args: requirement(f.communeB, type.id) },
      { name: 'activityType.save', args: { ...type, name: 'Đổi tên' } },
      // A target outside the commune, an unknown scenario, the owner moved.
      { name: 'requirement.save', args: requirement(f.communeA, type.id, { target: { kind: 'subtree', unitId: f.communeB } }) },
      { name: 'requirement.save', args: requirement(f.communeA, type.id, { scenarioCode: 'volcano', rotateScenarios: false }) },
      { name: 'requirement.save', args: { ...own, ownerUnitId: f.department } },
    ]);
    expect(results.map((r) => r.error ?? r.status)).toEqual([
      'applied',
      REJECTION.notFound,
      REJECTION.notFound,
      REJECTION.notFound,
      REJECTION.notFound,
      REJECTION.invalidArgs(PLAN_REJECTION.scenarioUnknown),
      REJECTION.notFound,
    ]);
    // A principal keeps no catalogue, not even for their own school.
    const atSchool = await principal.push([{ name: 'requirement.save', args: requirement(f.schoolA, type.id) }]);
    expect(atSchool[0]!.status).toBe('rejected');

    const [a, b] = [await device('teachera'), await device('teacherb')];
    expect(replay(await a.pull(), 'requirement').has(own.id)).toBe(true);
    expect(replay(await b.pull(), 'requirement').has(own.id)).toBe(false);
  });

  it('serves a calendar feed without a bearer token; a new URL revokes the old; unknown tokens get 404', async () => {
    const headers = await signIn(app, 'principalb');
    const principal = new Device(app, headers);
    const officer = await device('officerdept');
    // Sessions near today, inside the feed's window: the fixture's year is long past on the calendar of this run.
    const soon = new Date(Date.now() + 7 * 86_400_000);
    const year = { id: newId() };
    await db.kysely.transaction().execute(async (trx) => {
      await trx.insertInto('school_years').values({
        id: year.id, department_id: f.department, label: '2099-2100', start_date: '2000-01-01', end_date: '2099-12-31',
        stream: f.department, version: await reserveVersions(trx, f.department),
      }).execute();
      await trx.insertInto('terms').values({ id: newId(), school_year_id: year.id, no: 1, name: 'Học kỳ I', start_date: '2000-01-01', end_date: '2099-12-31' }).execute();
    });
    const when = { startsAt: soon.toISOString(), endsAt: new Date(soon.getTime() + 3600_000).toISOString() };
    const atB = { ...createArgs(f, { schoolId: f.schoolB, scopeUnitId: f.schoolB }, { ...when, title: 'Họp phụ huynh; đầu năm, khối 6' }), schoolYearId: year.id };
    const cityWide = { ...createArgs(f, { schoolId: null, scopeUnitId: f.department }, { ...when, title: 'Ngày diễn tập toàn thành phố' }), schoolYearId: year.id };
    const atA = { ...createArgs(f, { schoolId: null, scopeUnitId: f.communeA }, { ...when, title: 'Chỉ phường A' }), schoolYearId: year.id };
    expect((await principal.push([{ name: 'session.create', args: atB }]))[0]!.status).toBe('applied');
    expect((await officer.push([{ name: 'session.create', args: cityWide }, { name: 'session.create', args: atA }])).map((r) => r.status)).toEqual(['applied', 'applied']);
    await principal.push([{ name: 'session.cancel', args: { id: atB.id, baseRevision: 0, reason: null } }]);

    const made = await app.inject({ method: 'POST', url: '/api/calendar/feed', headers });
    expect(made.statusCode).toBe(200);
    const { url } = made.json<{ url: string }>();
    const path = new URL(url).pathname;
    const feed = await app.inject({ method: 'GET', url: path });
    expect(feed.statusCode).toBe(200);
    expect(feed.headers['content-type']).toMatch(/^text\/calendar; charset=utf-8/);
    const body = feed.body.replace(/\r\n /g, '');
    expect(body).toContain('X-WR-CALNAME:Trường An – Trường THCS B\r\n');
    expect(body).toContain(`UID:${atB.id}@truongan\r\n`);
    expect(body).toContain('SUMMARY:Họp phụ huynh\\; đầu năm\\, khối 6\r\n');
    expect(body).toContain('STATUS:CANCELLED\r\n');
    expect(body).toContain(`UID:${cityWide.id}@truongan\r\n`);
    expect(body).not.toContain(atA.id);

    // A second URL stops the first; the token is stored hashed, never as given.
    const second = (await app.inject({ method: 'POST', url: '/api/calendar/feed', headers })).json<{ url: string }>().url;
    expect((await app.inject({ method: 'GET', url: path })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: new URL(second).pathname })).statusCode).toBe(200);
    const token = path.split('/').at(-1)!;
    expect(await db.kysely.selectFrom('calendar_feeds').select('id').where('token_hash', '=', token).execute()).toEqual([]);

    const unknown = await app.inject({ method: 'GET', url: `/api/calendar/feed/${'A'.repeat(43)}` });
    const garbage = await app.inject({ method: 'GET', url: '/api/calendar/feed/not-a-token' });
    expect([unknown.statusCode, garbage.statusCode]).toEqual([404, 404]);
    expect(unknown.body).toBe(garbage.body);
    expect(unknown.body).toBe((await app.inject({ method: 'GET', url: path })).body);
  });
});
