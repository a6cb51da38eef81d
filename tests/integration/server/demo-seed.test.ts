import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { testDbKinds, type TestDb } from '../../helpers/db';
import { buildTestApp, signIn } from '../../helpers/app';
import type { Database } from '../../../src/server/db/schema';
import { verifyPassword } from '../../../src/server/auth/passwords';
import { DEMO_LOGINS, hasAnyUnit, loadDemoData } from '../../../src/server/demo/seed';
import { ENTITY_TABLES, toSharedRows } from '../../../src/server/sync/rows';
import { ENTITY_NAMES } from '../../../src/shared/sync/wire';
import { ACTIVITY_CODES, INDICATORS } from '../../../src/shared/domain';

const json = (s: string): unknown => JSON.parse(s);


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
    loadedAt = Date.now();
    const logins = await loadDemoData(kysely);
    elapsedMs = Date.now() - loadedAt;
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

  it('has the school year 2025-2026 of the Sở with its two terms', async () => {
    const so = await kysely.selectFrom('units').select('id').where('kind', '=', 'department').executeTakeFirstOrThrow();
    const years = await kysely.selectFrom('school_years').selectAll().execute();
    expect(years.map((y) => [y.label, y.department_id, y.start_date, y.end_date])).toEqual([
      ['2025-2026', so.id, '2025-09-05', '2026-05-31'],
    ]);
    const terms = await kysely.selectFrom('terms').selectAll().orderBy('no').execute();
    expect(terms.map((t) => [t.no, t.start_date, t.end_date])).toEqual([
      [1, '2025-09-05', '2026-01-17'],
      [2, '2026-01-19', '2026-05-31'],
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
          // A grade-g pupil of 2025-2026 was born in 2020 − g, or a year earlier if they started late.
          expect([2020 - c.grade, 2019 - c.grade]).toContain(s.birth_year);
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
  });

  it('records past sessions with attendance, a drill record and commitments, and plans upcoming ones', async () => {
    const schools = await kysely.selectFrom('units').select(['id', 'name']).where('kind', '=', 'school').execute();
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
      const traffic = done('traffic_safety', '2025-09');
      const drill = done('drill', '2025-10');
      const legal = done('legal_education', '2025-11');
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
      const signedStudents = commitments.filter(
        (c) => c.school_id === school.id && students.some((s) => s.id === c.person_id),
      );
      expect(signedStudents.length / students.length).toBeGreaterThan(0.85);
      expect(signedStudents.length).toBeLessThan(students.length);
      const parents = persons.filter((p) => p.school_id === school.id && p.kind === 'parent');
      const signedParents = commitments.filter(
        (c) => c.school_id === school.id && parents.some((p) => p.id === c.person_id),
      );
      expect(signedParents.length / parents.length).toBeGreaterThan(0.8);

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
