import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { testDbKinds, type TestDb } from '../../helpers/db';
import { buildTestApp, signIn } from '../../helpers/app';
import type { Database } from '../../../src/server/db/schema';
import { verifyPassword } from '../../../src/server/auth/passwords';
import { buildDemoRows, DEMO_LOGINS, hasAnyUnit, loadDemoData } from '../../../src/server/demo/seed';
import type { DemoRows } from '../../../src/server/demo/rows';
import { ENTITY_TABLES, toSharedRows } from '../../../src/server/sync/rows';
import { ENTITY_NAMES } from '../../../src/shared/sync/wire';
import { ACTIVITY_CODES, INDICATORS } from '../../../src/shared/domain';
import { evaluateRequirements, schoolContextFromUnits, summariseDue } from '../../../src/shared/plan/requirements';
import { sessionOutsideSchoolYear } from '../../../src/shared/plan/session-input';
import { hanoiDate } from '../../../src/shared/time';

const json = (s: string): unknown => JSON.parse(s);

/** The day the demo is loaded in the database suites: Monday 30 November 2026, 10:00 in Hà Nội. */
const NOW = new Date('2026-11-30T03:00:00.000Z');
const TODAY = '2026-11-30';

const EXPECTED_LOGINS: Record<string, { role: string; unit: string; personTag?: string; className?: string }> = {
  'so.canbo': { role: 'officer', unit: 'Sở Giáo dục và Đào tạo Hà Nội' },
  'phuong.caugiay': { role: 'officer', unit: 'Phòng Văn hóa – Xã hội phường Cầu Giấy' },
  'ht.dichvong': { role: 'principal', unit: 'Trường Tiểu học Dịch Vọng', personTag: 'principal' },
  'gv.dichvong': { role: 'teacher', unit: 'Trường Tiểu học Dịch Vọng', personTag: 'homeroom', className: '3A1' },
  'ht.nguyentrai': { role: 'principal', unit: 'Trường THCS Nguyễn Trãi', personTag: 'principal' },
  'gv.nguyentrai': { role: 'teacher', unit: 'Trường THCS Nguyễn Trãi', personTag: 'homeroom', className: '7A1' },
  taphuan: { role: 'trainer', unit: 'Sở Giáo dục và Đào tạo Hà Nội' },
  quantri: { role: 'admin', unit: 'Sở Giáo dục và Đào tạo Hà Nội' },
};

/**
 * Every stored row of every pulled entity, mapped by the sync service's own mappers (which check each row against
 * its shared zod schema and throw on the first misfit): what the demo stores is what devices will accept.
 */
async function expectRowsMatchSchemas(db: Kysely<Database>): Promise<void> {
  for (const entity of ENTITY_NAMES) {
    const rows = await db.selectFrom(ENTITY_TABLES[entity]).selectAll().execute();
    if (entity !== 'material') expect(rows.length, entity).toBeGreaterThan(0);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const shaped = await toSharedRows(db, entity, rows as any);
    expect(shaped.length, entity).toBe(rows.length);
  }
}

/** Instants are stored in exactly the form new Date().toISOString() gives, so that text order is time order. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe.each(testDbKinds())('demo data on $kind', ({ open }) => {
  let db: TestDb;
  let kysely: Kysely<Database>;
  let loadedAt: number;
  let elapsedMs: number;

  beforeAll(async () => {
    db = await open();
    kysely = db.kysely;
    expect(await hasAnyUnit(kysely)).toBe(false);
    loadedAt = NOW.getTime();
    const started = Date.now();
    const logins = await loadDemoData(kysely, { now: NOW });
    elapsedMs = Date.now() - started;
    expect(logins).toEqual(DEMO_LOGINS);
  });

  afterAll(async () => {
    await db.drop();
  });

  it('loads within 15 seconds', () => {
    expect(elapsedMs).toBeLessThan(15_000);
  });

  it('builds the org tree: the Sở, two commune offices, a cluster and three schools', async () => {
    const units = await kysely.selectFrom('units').selectAll().execute();
    const byName = new Map(units.map((u) => [u.name, u]));
    const so = byName.get('Sở Giáo dục và Đào tạo Hà Nội')!;
    const caugiay = byName.get('Phòng Văn hóa – Xã hội phường Cầu Giấy')!;
    const badinh = byName.get('Phòng Văn hóa – Xã hội phường Ba Đình')!;
    const cluster = byName.get('Cụm chuyên môn số 1')!;
    expect(units).toHaveLength(7);
    expect([so.kind, so.parent_id]).toEqual(['department', null]);
    expect([caugiay.kind, caugiay.parent_id, badinh.kind, badinh.parent_id]).toEqual([
      'commune',
      so.id,
      'commune',
      so.id,
    ]);
    expect([cluster.kind, cluster.parent_id]).toEqual(['cluster', so.id]);
    const schools = units.filter((u) => u.kind === 'school');
    expect(schools.map((s) => [s.name, s.school_level, s.parent_id, s.cluster_id]).sort()).toEqual(
      [
        ['Trường THCS Nguyễn Trãi', 'thcs', badinh.id, cluster.id],
        ['Trường THPT Yên Hòa', 'thpt', so.id, cluster.id],
        ['Trường Tiểu học Dịch Vọng', 'th', caugiay.id, cluster.id],
      ].sort(),
    );

    const memberships = await kysely.selectFrom('unit_memberships').selectAll().execute();
    const expected = [
      ...units.filter((u) => u.parent_id).map((u) => `${u.id}|${u.parent_id}|tree`),
      ...schools.map((s) => `${s.id}|${cluster.id}|cluster`),
    ].sort();
    expect(memberships.map((m) => `${m.unit_id}|${m.parent_id}|${m.axis}`).sort()).toEqual(expected);
    expect(memberships.every((m) => m.valid_from === '2025-07-01' && m.valid_to === null)).toBe(true);
  });

  it('has the school year under way on 30 November 2026, 2026-2027, of the Sở with its two terms', async () => {
    const so = await kysely.selectFrom('units').select('id').where('kind', '=', 'department').executeTakeFirstOrThrow();
    const years = await kysely.selectFrom('school_years').selectAll().execute();
    // 5 September 2026 is a Saturday: the year opens on Monday 7; HK II starts on the third Monday of January.
    expect(years.map((y) => [y.label, y.department_id, y.start_date, y.end_date])).toEqual([
      ['2026-2027', so.id, '2026-09-07', '2027-05-31'],
    ]);
    const terms = await kysely.selectFrom('terms').selectAll().orderBy('no').execute();
    expect(terms.map((t) => [t.no, t.name, t.start_date, t.end_date])).toEqual([
      [1, 'Học kỳ I', '2026-09-07', '2027-01-16'],
      [2, 'Học kỳ II', '2027-01-18', '2027-05-31'],
    ]);
  });

  it('gives every school its grades, classes of 30–45 students, a homeroom teacher each, 30–50 staff', async () => {
    const schools = await kysely.selectFrom('units').selectAll().where('kind', '=', 'school').execute();
    const classes = await kysely.selectFrom('classes').selectAll().execute();
    const persons = await kysely.selectFrom('persons').selectAll().execute();
    const gradesOf: Record<string, number[]> = { th: [1, 2, 3, 4, 5], thcs: [6, 7, 8, 9], thpt: [10, 11, 12] };
    expect(schools).toHaveLength(3);
    for (const school of schools) {
      const own = classes.filter((c) => c.school_id === school.id);
      const grades = gradesOf[school.school_level!]!;
      expect([...new Set(own.map((c) => c.grade))].sort((a, b) => a - b)).toEqual(grades);
      expect(own.length).toBe(grades.length * 2);
      const staff = persons.filter((p) => p.school_id === school.id && p.kind === 'staff');
      expect(staff.length).toBeGreaterThanOrEqual(30);
      expect(staff.length).toBeLessThanOrEqual(50);
      const tagged = (tag: string) => staff.filter((p) => (json(p.role_tags) as string[]).includes(tag));
      expect(tagged('principal')).toHaveLength(1);
      expect(tagged('vice_principal').length).toBeGreaterThanOrEqual(1);
      expect(tagged('youth_leader')).toHaveLength(1);
      expect(tagged('employee').length).toBeGreaterThanOrEqual(1);
      expect(tagged('homeroom')).toHaveLength(own.length);
      for (const c of own) {
        expect(c.name).toMatch(new RegExp(`^${c.grade}A[12]$`));
        const homeroom = staff.find((p) => p.id === c.homeroom_person_id);
        expect(homeroom, `homeroom of ${c.name}`).toBeDefined();
        expect(json(homeroom!.role_tags)).toContain('homeroom');
        const students = persons.filter((p) => p.class_id === c.id);
        expect(students.length).toBeGreaterThanOrEqual(30);
        expect(students.length).toBeLessThanOrEqual(45);
        for (const s of students) {
          expect(s.kind).toBe('student');
          expect(s.school_id).toBe(school.id);
          expect(s.code).toMatch(/^HS\d+$/);
          // A grade-g pupil of 2026-2027 was born in 2021 − g, or a year earlier if they started late.
          expect([2021 - c.grade, 2020 - c.grade]).toContain(s.birth_year);
          expect(['male', 'female']).toContain(s.sex);
          expect(s.full_name.split(' ').length).toBeGreaterThanOrEqual(3);
        }
      }
    }
    const students = persons.filter((p) => p.kind === 'student');
    expect(new Set(students.map((s) => `${s.school_id}|${s.code}`)).size).toBe(students.length);
  });

  it('links exactly one parent to every student, some parents to two siblings', async () => {
    const persons = await kysely.selectFrom('persons').selectAll().execute();
    const links = await kysely.selectFrom('person_links').selectAll().execute();
    const byId = new Map(persons.map((p) => [p.id, p]));
    const students = persons.filter((p) => p.kind === 'student');
    const parents = persons.filter((p) => p.kind === 'parent');
    expect(links).toHaveLength(students.length);
    expect(new Set(links.map((l) => l.student_id)).size).toBe(students.length);
    for (const l of links) {
      const parent = byId.get(l.parent_id)!;
      const student = byId.get(l.student_id)!;
      expect([parent.kind, student.kind]).toEqual(['parent', 'student']);
      expect(parent.school_id).toBe(student.school_id);
      expect(l.school_id).toBe(student.school_id);
    }
    const childCount = new Map<string, number>();
    for (const l of links) childCount.set(l.parent_id, (childCount.get(l.parent_id) ?? 0) + 1);
    expect(parents.every((p) => (childCount.get(p.id) ?? 0) >= 1)).toBe(true);
    expect([...childCount.values()].some((n) => n === 2)).toBe(true);
    const classGrade = new Map(
      (await kysely.selectFrom('classes').select(['id', 'grade']).execute()).map((c) => [c.id, c.grade]),
    );
    for (const [parentId, n] of childCount) {
      if (n < 2) continue;
      // Siblings carry one family name and, twins aside (the demo has none), sit in different grades.
      const siblings = links.filter((l) => l.parent_id === parentId).map((l) => byId.get(l.student_id)!);
      expect(new Set(siblings.map((c) => c.full_name.split(' ')[0])).size).toBe(1);
      expect(new Set(siblings.map((c) => classGrade.get(c.class_id!))).size).toBe(n);
    }
    expect(parents.length).toBeLessThan(students.length);
  });

  it('creates exactly the eight demo logins with their grants, linked to their staff person', async () => {
    const users = await kysely
      .selectFrom('users as u')
      .innerJoin('role_grants as g', 'g.user_id', 'u.id')
      .innerJoin('units as unit', 'unit.id', 'g.unit_id')
      .leftJoin('persons as p', 'p.id', 'u.person_id')
      .select(['u.username', 'u.password_hash', 'u.active', 'g.role', 'unit.name as unitName', 'unit.id as unitId'])
      .select(['p.role_tags', 'p.id as personId', 'p.school_id'])
      .execute();
    expect(users.map((u) => u.username).sort()).toEqual(Object.keys(EXPECTED_LOGINS).sort());
    expect(DEMO_LOGINS.map((l) => l.username).sort()).toEqual(Object.keys(EXPECTED_LOGINS).sort());
    for (const u of users) {
      const expected = EXPECTED_LOGINS[u.username]!;
      expect([u.role, u.unitName, u.active]).toEqual([expected.role, expected.unit, 1]);
      if (expected.personTag) {
        expect(JSON.parse(u.role_tags ?? '[]')).toContain(expected.personTag);
        expect(u.school_id).toBe(u.unitId);
      } else {
        expect(u.personId).toBeNull();
      }
      if (expected.className) {
        const cls = await kysely
          .selectFrom('classes')
          .select(['name', 'homeroom_person_id'])
          .where('school_id', '=', u.unitId)
          .where('name', '=', expected.className)
          .executeTakeFirstOrThrow();
        expect(cls.homeroom_person_id).toBe(u.personId);
      }
    }
    for (const login of DEMO_LOGINS) {
      expect(login.password).toBe('truongan2025');
      expect(login.description.length).toBeGreaterThan(5);
      const hash = users.find((u) => u.username === login.username)!.password_hash;
      expect(await verifyPassword(hash, login.password), login.username).toBe(true);
      expect(await verifyPassword(hash, 'truongan2024')).toBe(false);
    }
  });

  it('lets a demo teacher sign in through the real endpoint', async () => {
    const app = await buildTestApp(db);
    try {
      const headers = await signIn(app, 'gv.dichvong', 'truongan2025');
      const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers });
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({ grants: [{ role: 'teacher', unitName: 'Trường Tiểu học Dịch Vọng' }] });
    } finally {
      await app.close();
    }
  });

  it('describes every activity code and a requirement for every indicator of the plan', async () => {
    const types = await kysely.selectFrom('activity_types').selectAll().execute();
    expect(types.map((t) => t.code).sort()).toEqual([...ACTIVITY_CODES].sort());
    const drill = types.find((t) => t.code === 'drill')!;
    expect((json(drill.scenarios) as { code: string }[]).map((s) => s.code)).toEqual([
      'fire_evacuation',
      'earthquake',
      'intruder',
      'flood_storm',
      'first_aid',
    ]);
    expect(types.find((t) => t.code === 'traffic_safety')!.carries_commitment).toBe(1);
    expect(types.find((t) => t.code === 'staff_training')!.carries_periods).toBe(1);
    const requirements = await kysely.selectFrom('requirements').selectAll().execute();
    expect([...new Set(requirements.map((r) => r.indicator))].sort()).toEqual([...INDICATORS].sort());
    const byDate = requirements.filter((r) => (json(r.frequency) as { kind: string }).kind === 'byDate');
    expect(byDate.map((r) => (json(r.audience) as { kind: string }).kind).sort()).toEqual(['parents', 'students']);
    // The ATGT commitments are due at the end of September of the year under way, and the titles say so.
    for (const r of byDate) {
      expect(json(r.frequency)).toEqual({ kind: 'byDate', dueDate: '2026-09-30' });
      expect(r.title).toContain('trước ngày 30/9/2026');
    }
  });

  it('shows on 30 November 2026 a year under way: autumn held, the rest planned, one deadline missed', async () => {
    const shared = async <E extends (typeof ENTITY_NAMES)[number]>(entity: E) =>
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      toSharedRows(kysely, entity, (await kysely.selectFrom(ENTITY_TABLES[entity]).selectAll().execute()) as any);
    const [units, years, requirements, activityTypes, sessions, classes] = await Promise.all([
      shared('unit'),
      shared('schoolYear'),
      shared('requirement'),
      shared('activityType'),
      shared('session'),
      shared('class'),
    ]);
    const year = years[0]!;
    const commitments = await kysely.selectFrom('commitments').selectAll().execute();
    const drills = await kysely.selectFrom('drill_records').selectAll().execute();
    const typeCode = new Map(activityTypes.map((t) => [t.id, t.code]));

    for (const s of sessions) {
      expect(sessionOutsideSchoolYear(s, year), s.title).toBeNull();
      expect(s.schoolYearId).toBe(year.id);
      if (s.status === 'planned') expect(hanoiDate(s.startsAt) >= TODAY, s.title).toBe(true);
      else expect(Date.parse(s.endsAt), s.title).toBeLessThan(NOW.getTime());
    }

    for (const school of units.filter((u) => u.kind === 'school')) {
      const own = sessions.filter((s) => s.schoolId === school.id);
      const of = (code: string, month: string) =>
        own.filter((s) => typeCode.get(s.activityTypeId) === code && hanoiDate(s.startsAt).startsWith(month));
      // September is the ATGT month: the session was held and the commitments signed, all before today.
      expect(of('traffic_safety', '2026-09').map((s) => s.status), school.name).toEqual(['done']);
      const signed = commitments.filter((c) => c.school_id === school.id);
      expect(signed.length).toBeGreaterThan(100);
      const inTime = (c: (typeof signed)[number]) =>
        c.signed_at < NOW.toISOString() && hanoiDate(c.signed_at) >= year.startDate;
      expect(signed.every(inTime)).toBe(true);
      // The HK I fire drill was held in October and recorded.
      const october = of('drill', '2026-10');
      expect(october.map((s) => [s.status, s.scenarioCode]), school.name).toEqual([['done', 'fire_evacuation']]);
      expect(drills.filter((d) => d.session_id === october[0]!.id)).toHaveLength(1);
      // Sessions in the next two weeks, on school days or a Saturday for parents.
      const soon = own.filter((s) => {
        const startsAt = Date.parse(s.startsAt);
        return s.status === 'planned' && startsAt > NOW.getTime() && startsAt < NOW.getTime() + 14 * 86_400_000;
      });
      expect(soon.length, school.name).toBeGreaterThanOrEqual(3);

      const due = evaluateRequirements({
        requirements,
        activityTypes,
        school: schoolContextFromUnits(school.id, units),
        year,
        sessions,
        today: TODAY,
        classes,
      });
      const counts = summariseDue(due);
      expect(counts.done, school.name).toBeGreaterThanOrEqual(4);
      expect(counts.scheduled, school.name).toBeGreaterThanOrEqual(2);
      expect(counts.overdue, school.name).toBeGreaterThanOrEqual(1);
      expect(counts.overdue, school.name).toBeLessThanOrEqual(2);
      // What is overdue is a deadline of September; everything of HK II is still ahead.
      for (const item of due.filter((d) => d.status === 'overdue')) expect(item.period.end).toBe('2026-09-30');
      for (const item of due.filter((d) => d.period.start >= '2027-01-01')) expect(item.status).toBe('scheduled');
    }
  });

  it('records past sessions with attendance, a drill record and commitments, and plans upcoming ones', async () => {
    const schools = await kysely.selectFrom('units').select(['id', 'name', 'school_level']).where('kind', '=', 'school').execute();
    const sessions = await kysely
      .selectFrom('sessions as s')
      .innerJoin('activity_types as t', 't.id', 's.activity_type_id')
      .selectAll('s')
      .select('t.code')
      .execute();
    const attendance = await kysely.selectFrom('attendance').selectAll().execute();
    const drills = await kysely.selectFrom('drill_records').selectAll().execute();
    const commitments = await kysely.selectFrom('commitments').selectAll().execute();
    const persons = await kysely.selectFrom('persons').select(['id', 'kind', 'school_id']).execute();
    const attendanceOf = (sessionId: string) => attendance.filter((a) => a.session_id === sessionId);

    for (const school of schools) {
      const own = sessions.filter((s) => s.school_id === school.id);
      const done = (code: string, month: string) =>
        own.filter((s) => s.code === code && s.status === 'done' && s.starts_at.startsWith(month));
      const traffic = done('traffic_safety', '2026-09');
      const drill = done('drill', '2026-10');
      const legal = done('legal_education', '2026-11');
      expect([traffic.length, drill.length, legal.length], school.name).toEqual([1, 1, 1]);
      expect(drills.filter((d) => d.session_id === drill[0]!.id)).toHaveLength(1);
      expect(JSON.parse(legal[0]!.audience)).toMatchObject({ staff: true });

      for (const s of own.filter((x) => x.status === 'done')) {
        const marks = attendanceOf(s.id);
        expect(marks.length, s.title).toBeGreaterThan(0);
        const present = marks.filter((m) => m.status === 'present').length;
        expect(present / marks.length).toBeGreaterThan(0.7);
      }
      const drillMarks = attendanceOf(drill[0]!.id);
      const record = drills.find((d) => d.session_id === drill[0]!.id)!;
      const onSite = drillMarks.filter((m) => m.status === 'present' || m.status === 'late');
      expect(record.expected_count).toBe(onSite.length);
      expect(record.accounted_count + record.missing_count).toBe(record.expected_count);
      expect(new Set(drillMarks.map((m) => m.status)).size).toBeGreaterThan(2);

      const students = persons.filter((p) => p.school_id === school.id && p.kind === 'student');
      // Commitments are recorded on the pupils (commitmentKindsFor): their own, and their parent's signed by the parent.
      const ofPupils = commitments.filter((c) => c.school_id === school.id && students.some((s) => s.id === c.person_id));
      const pupilsOwn = ofPupils.filter((c) => c.kind === 'student_traffic');
      expect(pupilsOwn.length / students.length).toBeGreaterThan(0.85);
      expect(pupilsOwn.length).toBeLessThan(students.length);
      const parents = persons.filter((p) => p.school_id === school.id && p.kind === 'parent');
      const parentKind = school.school_level === 'thpt' ? 'parent_no_motorbike' : 'parent_helmet';
      const byParents = ofPupils.filter((c) => c.kind === parentKind);
      expect(byParents.length / students.length).toBeGreaterThan(0.8);
      expect(byParents.every((c) => c.signed_by === 'parent' && parents.some((p) => p.id === c.signer_person_id))).toBe(true);

      const upcoming = own.filter((s) => {
        const at = Date.parse(s.starts_at);
        return s.status === 'planned' && at > loadedAt && at < loadedAt + 15 * 86_400_000;
      });
      expect(upcoming.length, school.name).toBeGreaterThanOrEqual(2);
    }
    expect(attendance.every((a) => persons.find((p) => p.id === a.person_id)?.school_id === a.school_id)).toBe(true);

    const communeSession = sessions.filter((s) => s.school_id === null && s.status === 'planned');
    const caugiay = await kysely
      .selectFrom('units')
      .select('id')
      .where('name', '=', 'Phòng Văn hóa – Xã hội phường Cầu Giấy')
      .executeTakeFirstOrThrow();
    const userId = async (username: string) =>
      (await kysely.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
    expect(communeSession.map((s) => [s.scope_unit_id, s.created_by])).toEqual([
      [caugiay.id, await userId('phuong.caugiay')],
    ]);

    const trainerId = await userId('taphuan');
    const trained = sessions.filter((s) => s.trainer_user_id === trainerId);
    expect(trained.length).toBeGreaterThanOrEqual(1);
    expect(trained.length).toBeLessThanOrEqual(2);
    expect(trained.every((s) => s.code === 'staff_training' && s.periods !== null)).toBe(true);

    for (const s of sessions) {
      expect(s.starts_at).toMatch(ISO_INSTANT);
      expect(s.ends_at > s.starts_at).toBe(true);
    }
  });

  it('keeps a history row for every attendance mark', async () => {
    const attendance = await kysely.selectFrom('attendance').selectAll().execute();
    const history = await kysely.selectFrom('attendance_history').selectAll().execute();
    expect(history).toHaveLength(attendance.length);
    const key = (r: { session_id: string; person_id: string; status: string; marked_by: string; marked_at: string }) =>
      `${r.session_id}|${r.person_id}|${r.status}|${r.marked_by}|${r.marked_at}`;
    expect(history.map(key).sort()).toEqual(attendance.map(key).sort());
    expect(history.every((h) => h.client_id === 'demo-seed' && h.received_at >= h.marked_at)).toBe(true);
    expect(new Set(history.map((h) => h.mutation_id)).size).toBe(history.length);
  });

  it('puts every synced row in the right stream with a version of its own', async () => {
    const units = await kysely.selectFrom('units').selectAll().execute();
    for (const u of units) expect(u.stream).toBe(u.parent_id ?? u.id);
    for (const table of ['classes', 'persons', 'attendance', 'drill_records', 'commitments'] as const) {
      const rows = await kysely.selectFrom(table).select(['stream', 'school_id']).execute();
      expect(rows.every((r) => r.stream === r.school_id), table).toBe(true);
    }
    for (const table of ['activity_types', 'requirements'] as const) {
      const rows = await kysely.selectFrom(table).select(['stream', 'owner_unit_id']).execute();
      expect(rows.every((r) => r.stream === r.owner_unit_id), table).toBe(true);
    }
    const years = await kysely.selectFrom('school_years').select(['stream', 'department_id']).execute();
    expect(years.every((y) => y.stream === y.department_id)).toBe(true);
    const sessions = await kysely.selectFrom('sessions').select(['stream', 'school_id', 'scope_unit_id']).execute();
    expect(sessions.every((s) => s.stream === (s.school_id ?? s.scope_unit_id))).toBe(true);

    // A stream's versions are shared by all its tables (one counter per stream), so they must be distinct across
    // tables too, and never above what stream_versions has handed out.
    const all: { stream: string; version: number }[] = [];
    for (const table of Object.values(ENTITY_TABLES)) {
      const rows = await kysely.selectFrom(table).select(['stream', 'version']).execute();
      expect(new Set(rows.map((r) => `${r.stream}|${r.version}`)).size, table).toBe(rows.length);
      all.push(...rows);
    }
    expect(new Set(all.map((r) => `${r.stream}|${r.version}`)).size).toBe(all.length);
    const counters = new Map(
      (await kysely.selectFrom('stream_versions').selectAll().execute()).map((r) => [r.stream, r.version]),
    );
    for (const r of all) {
      expect(r.version).toBeGreaterThanOrEqual(1);
      expect(r.version).toBeLessThanOrEqual(counters.get(r.stream)!);
    }
  });

  it('stores rows that pass the shared schemas once mapped to camelCase', async () => {
    await expectRowsMatchSchemas(kysely);
  });

  it('refuses to load a second time and leaves the data untouched', async () => {
    const count = async () =>
      Number((await kysely.selectFrom('persons').select(kysely.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    expect(await hasAnyUnit(kysely)).toBe(true);
    await expect(loadDemoData(kysely)).rejects.toThrow(/đã có dữ liệu/);
    expect(await count()).toBe(before);
    expect(await kysely.selectFrom('users').select('id').execute()).toHaveLength(8);
  });
});

/** The demo built in memory, as loadDemoData would store it at `now` (password hashing left out: it is slow). */
function demoAt(now: Date): DemoRows {
  return buildDemoRows(
    DEMO_LOGINS.map(() => 'hash'),
    now,
  );
}

/** Ids are UUIDv7s made at build time: numbered by first appearance, two builds can be compared. */
function withoutIds(rows: DemoRows): string {
  const numbers = new Map<string, number>();
  return JSON.stringify(rows).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => {
    if (!numbers.has(id)) numbers.set(id, numbers.size);
    return `#${numbers.get(id)}`;
  });
}

const at = (iso: string) => new Date(iso);

describe('the demo follows the clock', () => {
  /**
   * Moments across the Hà Nội calendar: the first days of September before the year opens, each term, the days
   * around the end of HK I, a session under way, the last days of May, the summer holidays, midnight boundaries in
   * Hà Nội (UTC+7), and the real clock of the machine running the test.
   */
  const MOMENTS = [
    '2025-09-01T02:00:00.000Z',
    '2025-09-10T03:00:00.000Z',
    '2025-10-15T03:00:00.000Z',
    '2025-12-01T03:00:00.000Z',
    '2026-01-18T03:00:00.000Z',
    // 08:30 in Hà Nội on the day of Dịch Vọng's fire drill of 2026 (08:00–10:00): it is under way, still planned.
    '2026-10-13T01:30:00.000Z',
    '2026-03-20T03:00:00.000Z',
    '2026-05-20T03:00:00.000Z',
    '2026-05-31T16:59:00.000Z',
    '2026-05-31T17:00:00.000Z',
    '2026-07-15T03:00:00.000Z',
    '2026-08-31T17:30:00.000Z',
    '2026-11-30T03:00:00.000Z',
    '2027-02-10T03:00:00.000Z',
    new Date().toISOString(),
  ];

  it.each(MOMENTS)('at %s shows the school year of the day, everything inside it and in the right state', (iso) => {
    const now = at(iso);
    const today = hanoiDate(now);
    const rows = demoAt(now);

    // One school year, Y-(Y+1): from the first weekday on or after 5 September to 31 May, containing today, or in
    // the summer holidays and the first days of September the one about to open.
    expect(rows.school_years).toHaveLength(1);
    const year = rows.school_years[0]!;
    const y = Number(year.label.slice(0, 4));
    expect(year.label).toBe(`${y}-${y + 1}`);
    expect(year.start_date.slice(0, 8)).toBe(`${y}-09-`);
    expect(['05', '06', '07']).toContain(year.start_date.slice(8));
    expect([0, 6]).not.toContain(new Date(`${year.start_date}T00:00:00Z`).getUTCDay());
    expect(year.end_date).toBe(`${y + 1}-05-31`);
    if (today >= year.start_date) expect(today <= year.end_date).toBe(true);
    else expect(today >= `${y}-06-01`).toBe(true);
    const [first, second] = [...rows.terms].sort((a, b) => a.no - b.no);
    expect([first!.start_date, second!.end_date]).toEqual([year.start_date, year.end_date]);
    // HK I ends on a Saturday in mid-January and HK II starts the Monday after.
    expect(second!.start_date.slice(0, 8)).toBe(`${y + 1}-01-`);
    expect(new Date(`${second!.start_date}T00:00:00Z`).getUTCDay()).toBe(1);
    expect(Date.parse(second!.start_date) - Date.parse(first!.end_date)).toBe(2 * 86_400_000);

    // Everything of the year belongs to it and lies inside it; what came before now was held, the rest is planned.
    const yearRange = { startDate: year.start_date, endDate: year.end_date, label: year.label };
    for (const s of rows.sessions) {
      expect(s.school_year_id).toBe(year.id);
      expect(sessionOutsideSchoolYear({ startsAt: s.starts_at, endsAt: s.ends_at }, yearRange), s.title).toBeNull();
      if (s.status === 'planned') {
        expect(hanoiDate(s.starts_at) >= today, `${s.title} is planned on ${s.starts_at}`).toBe(true);
      } else {
        expect(Date.parse(s.ends_at), `${s.title} is ${s.status}`).toBeLessThan(now.getTime());
      }
      expect(s.created_at <= iso && s.updated_at <= iso).toBe(true);
    }
    for (const table of ['classes', 'requirements', 'commitments'] as const) {
      expect(rows[table].every((r) => r.school_year_id === year.id), table).toBe(true);
    }
    const status = new Map(rows.sessions.map((s) => [s.id, s.status]));
    expect(rows.attendance.every((a) => status.get(a.session_id) === 'done' && a.marked_at < iso)).toBe(true);
    expect(rows.attendance_history.every((h) => h.received_at < iso)).toBe(true);
    expect(rows.drill_records.every((d) => status.get(d.session_id) === 'done')).toBe(true);
    const heldDrills = rows.sessions.filter((s) => s.status === 'done' && s.scenario_code !== null);
    expect(rows.drill_records).toHaveLength(heldDrills.length);
    expect(rows.commitments.every((c) => c.signed_at <= iso)).toBe(true);
    // A school's commitments are handed out at its ATGT session: none is signed before it has been held.
    for (const c of rows.commitments) {
      const trafficDone = rows.sessions.some(
        (s) =>
          s.school_id === c.school_id && s.status === 'done' && s.title.startsWith('Tuyên truyền an toàn giao thông'),
      );
      expect(trafficDone).toBe(true);
    }
    for (const r of rows.requirements) {
      const f = json(r.frequency) as { kind: string; dueDate?: string };
      if (f.kind === 'byDate') expect(f.dueDate).toBe(`${y}-09-30`);
    }
    for (const table of ['units', 'persons'] as const) {
      expect(rows[table].every((r) => r.created_at <= iso), table).toBe(true);
    }
    expect(rows.users.every((u) => u.created_at <= iso)).toBe(true);

    // Pupils' ages follow the year: grade g of Y-(Y+1) was born in Y − 5 − g, or a year earlier.
    const gradeOf = new Map(rows.classes.map((c) => [c.id, c.grade]));
    for (const p of rows.persons.filter((x) => x.kind === 'student')) {
      const g = gradeOf.get(p.class_id!)!;
      expect([y - 5 - g, y - 6 - g]).toContain(p.birth_year);
    }
    for (const p of rows.persons.filter((x) => x.kind === 'staff')) {
      expect(y - p.birth_year!).toBeGreaterThanOrEqual(26);
      expect(y - p.birth_year!).toBeLessThanOrEqual(63);
    }

    // Each school has sessions coming up within two weeks of today (of the opening day, in the holidays), unless the
    // year ends before there is room for them.
    const from = Math.max(now.getTime(), Date.parse(`${year.start_date}T00:00:00+07:00`));
    const roomLeft = Date.parse(`${year.end_date}T00:00:00+07:00`) - from > 14 * 86_400_000;
    for (const school of rows.units.filter((u) => u.kind === 'school')) {
      const soon = rows.sessions.filter(
        (s) =>
          s.school_id === school.id &&
          s.status === 'planned' &&
          Date.parse(s.starts_at) > now.getTime() &&
          Date.parse(s.starts_at) < from + 15 * 86_400_000,
      );
      if (roomLeft) expect(soon.length, `${school.name} at ${iso}`).toBeGreaterThanOrEqual(3);
    }
  });

  it('picks 2025-2026 in October 2025 and on 20 May 2026, 2026-2027 from June 2026 and on 30 November 2026', () => {
    const label = (iso: string) => demoAt(at(iso)).school_years[0]!.label;
    expect(label('2025-10-15T03:00:00.000Z')).toBe('2025-2026');
    expect(label('2026-05-20T03:00:00.000Z')).toBe('2025-2026');
    // 31 May 2026 at 23:59 in Hà Nội is still the last day of 2025-2026; a minute later it is June.
    expect(label('2026-05-31T16:59:00.000Z')).toBe('2025-2026');
    expect(label('2026-05-31T17:00:00.000Z')).toBe('2026-2027');
    expect(label('2026-07-15T03:00:00.000Z')).toBe('2026-2027');
    expect(label('2026-11-30T03:00:00.000Z')).toBe('2026-2027');
    expect(label('2027-01-05T03:00:00.000Z')).toBe('2026-2027');
  });

  it('keeps the dates of 2025-2026 exactly as the Sở published them and the schools held them', () => {
    const rows = demoAt(at('2025-12-01T03:00:00.000Z'));
    const year = rows.school_years[0]!;
    expect([year.label, year.start_date, year.end_date]).toEqual(['2025-2026', '2025-09-05', '2026-05-31']);
    expect([...rows.terms].sort((a, b) => a.no - b.no).map((t) => [t.start_date, t.end_date])).toEqual([
      ['2025-09-05', '2026-01-17'],
      ['2026-01-19', '2026-05-31'],
    ]);
    const code = new Map(rows.units.map((u) => [u.id, u.code]));
    const held = rows.sessions
      .filter((s) => s.status !== 'planned')
      .map((s) => `${hanoiDate(s.starts_at)} ${code.get(s.school_id ?? s.scope_unit_id)} ${s.status}`)
      .sort();
    expect(held).toEqual(
      [
        '2025-09-08 TH-DICHVONG done',
        '2025-09-08 THCS-NGUYENTRAI done',
        '2025-09-09 THPT-YENHOA done',
        '2025-09-20 TH-DICHVONG done',
        '2025-09-20 THCS-NGUYENTRAI done',
        '2025-09-27 THPT-YENHOA done',
        '2025-10-07 THCS-NGUYENTRAI cancelled',
        '2025-10-14 TH-DICHVONG done',
        '2025-10-16 THCS-NGUYENTRAI done',
        '2025-10-22 THPT-YENHOA done',
        '2025-10-24 TH-DICHVONG done',
        '2025-10-31 THCS-NGUYENTRAI done',
        '2025-11-05 TH-DICHVONG done',
        '2025-11-06 THCS-NGUYENTRAI done',
        '2025-11-08 THPT-YENHOA done',
        '2025-11-12 THPT-YENHOA done',
        '2025-11-15 CUM-01 done',
      ].sort(),
    );
    const byDate = rows.requirements.filter((r) => (json(r.frequency) as { kind: string }).kind === 'byDate');
    expect(byDate.map((r) => json(r.frequency))).toEqual([
      { kind: 'byDate', dueDate: '2025-09-30' },
      { kind: 'byDate', dueDate: '2025-09-30' },
    ]);
    expect(byDate.every((r) => r.title.endsWith('trước ngày 30/9/2025'))).toBe(true);
  });

  it('in the summer holidays shows the coming year entirely planned, nothing held or signed yet', () => {
    const rows = demoAt(at('2026-07-15T03:00:00.000Z'));
    expect(rows.school_years[0]!.label).toBe('2026-2027');
    expect(rows.sessions.length).toBeGreaterThan(20);
    expect(rows.sessions.every((s) => s.status === 'planned')).toBe(true);
    expect([rows.attendance.length, rows.drill_records.length, rows.commitments.length]).toEqual([0, 0, 0]);
    // The first sessions to come are in the first days of the year, not in the holidays.
    const first = rows.sessions.map((s) => hanoiDate(s.starts_at)).sort()[0]!;
    expect(first >= '2026-09-07' && first <= '2026-09-14').toBe(true);
  });

  it('on the first days of September has the ATGT month ahead, and part of the commitments signed by the 20th', () => {
    const early = demoAt(at('2026-09-01T03:00:00.000Z'));
    expect(early.school_years[0]!.label).toBe('2026-2027');
    expect(early.commitments).toHaveLength(0);
    const mid = demoAt(at('2026-09-20T03:00:00.000Z'));
    const later = demoAt(at('2026-11-30T03:00:00.000Z'));
    expect(mid.commitments.length).toBeGreaterThan(0);
    expect(mid.commitments.length).toBeLessThan(later.commitments.length);
  });

  it('builds the same demo for the same moment, and the same people whatever the moment', () => {
    const now = at('2026-11-30T03:00:00.000Z');
    expect(withoutIds(demoAt(now))).toBe(withoutIds(demoAt(now)));
    const names = (rows: DemoRows) => rows.persons.map((p) => `${p.kind} ${p.full_name} ${p.code ?? ''}`);
    expect(names(demoAt(at('2025-10-15T03:00:00.000Z')))).toEqual(names(demoAt(now)));
  });
});
