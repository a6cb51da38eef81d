import { sql, type Kysely } from 'kysely';
import { commitmentKindsFor } from '../../../src/shared/domain/commitments';
import { newId } from '../../../src/shared/domain/ids';
import type { SchoolLevel } from '../../../src/shared/domain/org';
import { hanoiStartOfDay, type LocalDate } from '../../../src/shared/time';
import type { Database } from '../../../src/server/db/schema';
import { rowsPerStatement, StatementCache } from '../../../src/server/sync/batching';
import { DemoRandom } from '../../../src/server/demo/random';

/**
 * A synthetic city for the coverage benchmarks and the SQL = pure function test: `--scale=1` is Hà Nội's size
 * (3,000 schools in 126 communes plus Sở-direct THPT, 30 clusters, 2.3 million students, 130,000 staff) with a
 * year of sessions and attendance; `--scale=0.1` a tenth of it. Rows are written straight into the tables with
 * multi-row inserts in transactions of a few schools each, the way an import would, not through the sync API.
 *
 * `chaos` (tests): every status, join/leave dates, people who left without a date, sessions on the Hà Nội
 * midnight of a term boundary, marks at planned and cancelled sessions, a commune-wide drill, commitments signed
 * late, a parent linked across schools, schools moved between communes mid-year: the rules' edge cases.
 */
export interface CityOptions {
  scale: number;
  seed?: number;
  chaos?: boolean;
  /** Overrides of the per-school sizes (tests use tiny schools). */
  studentsPerSchool?: [number, number];
  staffPerSchool?: [number, number];
  /** Log progress to stderr. */
  verbose?: boolean;
  /** SQLite: foreign keys are not checked while generating (the generator writes parents first) and the page cache is larger. */
  kind?: 'sqlite' | 'postgres';
}

export interface CityInfo {
  departmentId: string;
  schoolYearId: string;
  otherYearId: string;
  communeIds: string[];
  clusterIds: string[];
  schoolIds: string[];
  /** Schools moved from one commune to another on MOVE_DATE: [school, old commune, new commune]. */
  moved: Array<{ schoolId: string; from: string; to: string }>;
  /** The school with the most students. */
  largestSchoolId: string;
  /** A user who owns the sync clients (and can be granted roles by the caller). */
  userId: string;
  rows: Record<string, number>;
}

export const CITY_YEAR = {
  label: '2025-2026',
  start: '2025-09-05',
  end: '2026-05-31',
  terms: [
    { no: 1, name: 'Học kỳ I', start: '2025-09-05', end: '2026-01-15' },
    { no: 2, name: 'Học kỳ II', start: '2026-01-16', end: '2026-05-31' },
  ],
} as const;
export const MOVE_DATE = '2026-01-16';
const CREATED = '2025-08-01T00:00:00.000Z';

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
const MIDDLE = ['Văn', 'Thị', 'Minh', 'Thu', 'Đức', 'Ngọc', 'Hoài', 'Gia', 'Bảo', 'Thanh'];
const GIVEN = ['An', 'Bình', 'Châu', 'Dũng', 'Giang', 'Hà', 'Hải', 'Hương', 'Khánh', 'Lan', 'Linh', 'Long', 'Mai', 'Minh', 'Nam', 'Ngân', 'Phúc', 'Quân', 'Sơn', 'Trang', 'Tú', 'Vy', 'Yến'];

type Row = Record<string, unknown>;

/** Buffers rows per table and writes them in multi-row statements sized under the parameter limits. */
class Writer {
  private readonly buffers = new Map<string, Row[]>();
  readonly counts: Record<string, number> = {};
  private readonly versions = new Map<string, number>();
  // Compiling a multi-row insert costs as much as running it; the SQL text of each shape is compiled once.
  private readonly statements = new StatementCache();

  constructor(private readonly db: Kysely<Database>) {}

  /** The next version of a stream (the generator is the only writer, so a counter does what reserveVersions does). */
  version(stream: string): number {
    const v = (this.versions.get(stream) ?? 0) + 1;
    this.versions.set(stream, v);
    return v;
  }

  add(table: keyof Database, row: Row): void {
    let buf = this.buffers.get(table);
    if (!buf) this.buffers.set(table, (buf = []));
    buf.push(row);
    this.counts[table] = (this.counts[table] ?? 0) + 1;
  }

  /** Writes every buffered row, parents before children (the foreign keys), in one transaction. */
  async flush(): Promise<void> {
    const order: Array<keyof Database> = [
      'units',
      'unit_memberships',
      'school_years',
      'terms',
      'users',
      'activity_types',
      'requirements',
      'classes',
      'persons',
      'person_links',
      'sessions',
      'attendance',
      'commitments',
      'sync_clients',
    ];
    await this.db.transaction().execute(async (trx) => {
      for (const table of order) {
        const rows = this.buffers.get(table);
        if (!rows || rows.length === 0) continue;
        const per = rowsPerStatement(Object.keys(rows[0]!).length);
        for (let i = 0; i < rows.length; i += per) {
          // The generator writes plain records whose keys are the migrations' columns; the table's own type is not
          // worth spelling out for every table here.
          // eslint-disable-next-line @typescript-eslint/no-explicit-any
          await this.statements.run(trx, table, rows.slice(i, i + per), (batch) => trx.insertInto(table).values(batch as any));
        }
        rows.length = 0;
      }
    });
  }

  /** Leaves stream_versions where the sync path continues from. */
  async finish(): Promise<void> {
    await this.flush();
    const rows = [...this.versions].map(([stream, version]) => ({ stream, version }));
    const per = rowsPerStatement(2);
    for (let i = 0; i < rows.length; i += per) {
      await this.db.insertInto('stream_versions').values(rows.slice(i, i + per)).execute();
    }
  }
}

/** A random instant on a Hà Nội date between two dates, during school hours (or, in chaos, around midnight). */
function instantBetween(rnd: DemoRandom, from: LocalDate, to: LocalDate, chaos: boolean): string {
  const a = Date.parse(`${from}T00:00:00.000Z`);
  const b = Date.parse(`${to}T00:00:00.000Z`);
  const day = new Date(a + rnd.int(0, Math.max(0, Math.round((b - a) / 86_400_000))) * 86_400_000).toISOString().slice(0, 10);
  const start = Date.parse(hanoiStartOfDay(day));
  // 07:00–16:00 in Hà Nội; in chaos mode also the minutes either side of midnight.
  const minutes = chaos && rnd.chance(0.2) ? rnd.pick([-30, -1, 0, 1, 30, 23 * 60 + 59]) : rnd.int(7 * 60, 16 * 60);
  return new Date(start + minutes * 60_000).toISOString();
}

function addDays(date: LocalDate, days: number): LocalDate {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export async function generateCity(db: Kysely<Database>, options: CityOptions): Promise<CityInfo> {
  const rnd = new DemoRandom(options.seed ?? 20251130);
  const chaos = options.chaos ?? false;
  const w = new Writer(db);
  const log = (msg: string) => {
    if (options.verbose) process.stderr.write(`[gen:city] ${msg}\n`);
  };
  const started = Date.now();
  if (options.kind === 'sqlite') {
    // Bulk loading: checking every row's parents costs as much as writing it, and indexes want a bigger page cache.
    await sql`PRAGMA foreign_keys = OFF`.execute(db);
    await sql`PRAGMA cache_size = -262144`.execute(db);
  }
  const scale = options.scale;
  const schoolCount = Math.max(2, Math.round(3000 * scale));
  const communeCount = Math.max(2, Math.round(126 * scale));
  const clusterCount = Math.max(1, Math.round(30 * scale));
  const thptCount = Math.max(1, Math.round(schoolCount * 0.07));
  // 2.3 million students and 130,000 staff over 3,000 schools: about 767 and 43 a school, spread unevenly.
  const studentRange = options.studentsPerSchool ?? [300, 1234];
  const staffRange = options.staffPerSchool ?? [25, 61];

  const unit = (id: string, kind: string, name: string, parentId: string | null, clusterId: string | null, level: string | null) => {
    const stream = parentId ?? id;
    w.add('units', {
      id,
      kind,
      name,
      code: null,
      parent_id: parentId,
      cluster_id: clusterId,
      school_level: level,
      status: 'active',
      created_at: CREATED,
      updated_at: CREATED,
      stream,
      version: w.version(stream),
    });
  };
  const membership = (unitId: string, parentId: string, axis: 'tree' | 'cluster', from = '2025-07-01', to: string | null = null) =>
    w.add('unit_memberships', { id: newId(), unit_id: unitId, parent_id: parentId, axis, valid_from: from, valid_to: to });

  const departmentId = newId();
  unit(departmentId, 'department', 'Sở GDĐT Hà Nội (tổng hợp)', null, null, null);
  const communeIds = Array.from({ length: communeCount }, (_, i) => {
    const id = newId();
    unit(id, 'commune', `${i % 3 === 0 ? 'Xã' : 'Phường'} ${i + 1}`, departmentId, null, null);
    membership(id, departmentId, 'tree');
    return id;
  });
  const clusterIds = Array.from({ length: clusterCount }, (_, i) => {
    const id = newId();
    unit(id, 'cluster', `Cụm chuyên môn ${i + 1}`, departmentId, null, null);
    membership(id, departmentId, 'tree');
    return id;
  });

  const userId = newId();
  w.add('users', {
    id: userId,
    username: `city-${userId.slice(-12)}`,
    display_name: 'Thiết bị trường (tổng hợp)',
    password_hash: 'x',
    person_id: null,
    active: 1,
    must_change_password: 0,
    created_at: CREATED,
    updated_at: CREATED,
  });

  const schoolYearId = newId();
  const otherYearId = newId();
  for (const [id, label, start, end] of [
    [schoolYearId, CITY_YEAR.label, CITY_YEAR.start, CITY_YEAR.end],
    [otherYearId, '2024-2025', '2024-09-05', '2025-05-31'],
  ] as const) {
    w.add('school_years', { id, department_id: departmentId, label, start_date: start, end_date: end, stream: departmentId, version: w.version(departmentId) });
  }
  for (const t of CITY_YEAR.terms) {
    w.add('terms', { id: newId(), school_year_id: schoolYearId, no: t.no, name: t.name, start_date: t.start, end_date: t.end });
  }
  w.add('terms', { id: newId(), school_year_id: otherYearId, no: 1, name: 'Học kỳ I', start_date: '2024-09-05', end_date: '2025-01-15' });
  w.add('terms', { id: newId(), school_year_id: otherYearId, no: 2, name: 'Học kỳ II', start_date: '2025-01-16', end_date: '2025-05-31' });

  const types = {
    legal: newId(),
    resolution: newId(),
    traffic: newId(),
    drill: newId(),
    training: newId(),
    parent: newId(),
    volunteer: newId(),
    other: newId(),
  };
  const SCENARIOS = ['fire_evacuation', 'earthquake', 'intruder'];
  const typeRow = (id: string, code: string, name: string, indicators: string[], audiences: string[], extra: Row = {}) =>
    w.add('activity_types', {
      id,
      owner_unit_id: departmentId,
      code,
      name,
      name_en: code,
      scenarios: JSON.stringify(code === 'drill' ? SCENARIOS.map((c) => ({ code: c, name: c, nameEn: c })) : []),
      audiences: JSON.stringify(audiences),
      indicators: JSON.stringify(indicators),
      carries_commitment: 0,
      carries_periods: 0,
      stream: departmentId,
      version: w.version(departmentId),
      ...extra,
    });
  typeRow(types.legal, 'legal_education', 'Tuyên truyền pháp luật', ['staff_legal_education'], ['staff', 'students']);
  typeRow(types.resolution, 'resolution_study', 'Học tập nghị quyết', ['staff_legal_education'], ['staff']);
  typeRow(types.traffic, 'traffic_safety', 'An toàn giao thông', ['traffic_commitments'], ['students', 'parents'], { carries_commitment: 1 });
  typeRow(types.drill, 'drill', 'Diễn tập PCCC', ['drills_held'], ['staff', 'students']);
  typeRow(types.training, 'staff_training', 'Tập huấn', ['youth_staff_trained'], ['youth_staff', 'staff'], { carries_periods: 1 });
  typeRow(types.parent, 'parent_outreach', 'Họp cha mẹ học sinh', ['parents_reached'], ['parents']);
  typeRow(types.volunteer, 'volunteering', 'Tình nguyện', ['students_volunteering'], ['students']);
  typeRow(types.other, 'other', 'Khác', [], ['staff']);

  const requirement = (owner: string, title: string, typeId: string, frequency: unknown, extra: Row = {}) =>
    w.add('requirements', {
      id: newId(),
      owner_unit_id: owner,
      school_year_id: schoolYearId,
      title,
      target: JSON.stringify({ kind: 'all' }),
      activity_type_id: typeId,
      scenario_code: null,
      rotate_scenarios: 0,
      frequency: JSON.stringify(frequency),
      audience: JSON.stringify({ kind: 'students', grade: null }),
      indicator: null,
      stream: owner,
      version: w.version(owner),
      ...extra,
    });
  requirement(departmentId, 'Diễn tập PCCC mỗi học kỳ, lần lượt từng tình huống', types.drill, { kind: 'term', count: 1 }, { rotate_scenarios: 1, indicator: 'drills_held' });
  requirement(departmentId, 'Mỗi cán bộ dự ít nhất 1 buổi tuyên truyền pháp luật', types.legal, { kind: 'year', count: 1 }, {
    audience: JSON.stringify({ kind: 'staff', grade: null }),
    indicator: 'staff_legal_education',
  });
  if (chaos) {
    requirement(communeIds[0]!, 'Phường 1: diễn tập động đất trong năm', types.drill, { kind: 'year', count: 1 }, { scenario_code: 'earthquake' });
    // A commune-wide drill day: a session for every school of commune 1.
    w.add('sessions', sessionRow(null, communeIds[0]!, types.drill, 'earthquake', '2025-11-20T02:00:00.000Z', 'done', null, schoolYearId, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
  }
  await w.flush();

  function sessionRow(schoolId: string | null, scope: string, typeId: string, scenario: string | null, startsAt: string, status: string, periods: number | null, yearId = schoolYearId, grades: number[] = []): Row {
    const stream = schoolId ?? scope;
    return {
      id: newId(),
      school_id: schoolId,
      scope_unit_id: scope,
      school_year_id: yearId,
      activity_type_id: typeId,
      scenario_code: scenario,
      title: 'Buổi (tổng hợp)',
      starts_at: startsAt,
      ends_at: new Date(Date.parse(startsAt) + 90 * 60_000).toISOString(),
      place: null,
      audience: JSON.stringify({ classIds: [], grades, staff: true, youthStaffOnly: false, parents: typeId === types.parent }),
      facilitator_person_id: null,
      trainer_user_id: null,
      material_ids: '[]',
      periods,
      status,
      revision: 0,
      created_by: userId,
      created_at: CREATED,
      updated_at: CREATED,
      series_id: null,
      cancel_reason: null,
      stream,
      version: w.version(stream),
    };
  }

  const schoolIds: string[] = [];
  const moved: CityInfo['moved'] = [];
  let largest = { id: '', students: -1 };
  const STATUS_WEIGHTS: ReadonlyArray<readonly [string, number]> = chaos
    ? [['present', 1], ['late', 1], ['excused', 1], ['absent', 1]]
    : [['present', 0.82], ['late', 0.04], ['excused', 0.05], ['absent', 0.09]];
  const name = () => `${rnd.pick(FAMILY)} ${rnd.pick(MIDDLE)} ${rnd.pick(GIVEN)}`;

  /** Join/leave dates and status of a person: most were there all year. */
  const tenure = (): { joined_on: string | null; left_on: string | null; status: string } => {
    const r = rnd.next();
    const edge = chaos ? 4 : 1;
    if (r < 0.03 * edge) return { joined_on: addDays(CITY_YEAR.start, rnd.int(10, 250)), left_on: null, status: 'active' };
    if (r < 0.06 * edge) return { joined_on: null, left_on: addDays(CITY_YEAR.start, rnd.int(0, 260)), status: 'left' };
    if (chaos && r < 0.3) return { joined_on: null, left_on: null, status: 'left' };
    if (chaos && r < 0.34) {
      const joined = addDays(CITY_YEAR.start, rnd.int(0, 120));
      return { joined_on: joined, left_on: addDays(joined, rnd.int(0, 120)), status: 'left' };
    }
    return { joined_on: null, left_on: null, status: 'active' };
  };

  // The previous school's students, for a cross-school parent link in chaos mode.
  let prevStudents: string[] = [];
  for (let s = 0; s < schoolCount; s++) {
    const schoolId = newId();
    schoolIds.push(schoolId);
    const thpt = s < thptCount;
    const level: SchoolLevel = thpt ? 'thpt' : rnd.pick(['mn', 'th', 'th', 'thcs', 'thcs'] as const);
    const commune = thpt ? departmentId : communeIds[s % communeIds.length]!;
    const cluster = clusterIds[s % clusterIds.length]!;
    // About 1 % of commune schools (at least one in chaos mode) moved to another commune at the start of term II.
    const move = !thpt && communeIds.length > 1 && (rnd.chance(0.01) || (chaos && moved.length === 0));
    const parentNow = move ? communeIds[(communeIds.indexOf(commune) + 1) % communeIds.length]! : commune;
    unit(schoolId, 'school', `Trường ${level.toUpperCase()} số ${s + 1}`, parentNow, cluster, level);
    if (move) {
      membership(schoolId, commune, 'tree', '2025-07-01', MOVE_DATE);
      membership(schoolId, parentNow, 'tree', MOVE_DATE, null);
      moved.push({ schoolId, from: commune, to: parentNow });
    } else {
      membership(schoolId, commune, 'tree');
    }
    membership(schoolId, cluster, 'cluster');

    // Classes and people.
    const students = rnd.int(studentRange[0], studentRange[1]);
    if (students > largest.students) largest = { id: schoolId, students };
    const grades = level === 'mn' ? [0] : level === 'th' ? [1, 2, 3, 4, 5] : level === 'thcs' ? [6, 7, 8, 9] : [10, 11, 12];
    const classCount = Math.max(1, Math.round(students / 33));
    const classIds: string[] = [];
    for (let c = 0; c < classCount; c++) {
      const id = newId();
      classIds.push(id);
      const grade = grades[c % grades.length]!;
      w.add('classes', { id, school_id: schoolId, school_year_id: schoolYearId, grade, name: `${grade}A${Math.floor(c / grades.length) + 1}`, code: null, homeroom_person_id: null, status: 'active', stream: schoolId, version: w.version(schoolId) });
    }
    const person = (kind: string, classId: string | null, roleTags: string[]): string => {
      const id = newId();
      w.add('persons', {
        id,
        school_id: schoolId,
        kind,
        full_name: name(),
        code: null,
        birth_year: null,
        sex: null,
        class_id: classId,
        role_tags: JSON.stringify(roleTags),
        created_at: CREATED,
        updated_at: CREATED,
        stream: schoolId,
        version: w.version(schoolId),
        ...(kind === 'parent' ? { joined_on: null, left_on: null, status: 'active' } : tenure()),
      });
      return id;
    };
    const studentIds = Array.from({ length: students }, (_, i) => person('student', classIds[i % classIds.length]!, []));
    const staffCount = rnd.int(staffRange[0], staffRange[1]);
    const youthCount = chaos ? rnd.int(0, 3) : rnd.int(1, 2);
    const staffIds = Array.from({ length: staffCount }, (_, i) => person('staff', null, i < youthCount ? ['youth_leader', 'teacher'] : i < youthCount + classCount ? ['homeroom', 'teacher'] : ['teacher']));
    const youthIds = staffIds.slice(0, youthCount);
    const parentIds: string[] = [];
    for (let i = 0; i < studentIds.length; i++) {
      if (!rnd.chance(0.9)) continue;
      const parentId = person('parent', null, []);
      parentIds.push(parentId);
      w.add('person_links', { id: newId(), school_id: schoolId, parent_id: parentId, student_id: studentIds[i]! });
      // Siblings at the same school share a parent.
      if (i + 1 < studentIds.length && rnd.chance(0.05)) w.add('person_links', { id: newId(), school_id: schoolId, parent_id: parentId, student_id: studentIds[i + 1]! });
    }
    if (chaos && s > 0 && rnd.chance(0.5)) {
      // A parent of this school linked to a student of the previous school: must not count for either.
      const prevStudent = prevStudents[rnd.int(0, prevStudents.length - 1)];
      if (prevStudent && parentIds[0]) w.add('person_links', { id: newId(), school_id: schoolId, parent_id: parentIds[0], student_id: prevStudent });
    }
    prevStudents = studentIds;

    // A year of sessions, with attendance of their audience.
    const t1 = CITY_YEAR.terms[0];
    const t2 = CITY_YEAR.terms[1];
    const held = (p = 0.9) => (chaos ? rnd.weighted([['done', 6], ['planned', 2], ['cancelled', 2]] as const) : rnd.chance(p) ? 'done' : 'planned');
    const plan: Array<{ type: string; from: LocalDate; to: LocalDate; who: string[]; periods?: number; scenario?: string | null; status?: string }> = [
      { type: types.legal, from: '2025-09-15', to: '2025-12-20', who: staffIds },
      { type: rnd.chance(0.5) ? types.legal : types.resolution, from: '2026-02-01', to: '2026-05-15', who: staffIds.filter(() => rnd.chance(0.6)) },
      { type: types.traffic, from: '2025-09-08', to: '2025-09-30', who: studentIds },
      { type: types.parent, from: '2025-09-10', to: '2025-10-15', who: parentIds.filter(() => rnd.chance(0.6)) },
      { type: types.parent, from: '2026-01-20', to: '2026-03-20', who: parentIds.filter(() => rnd.chance(0.4)) },
      { type: types.training, from: '2025-10-01', to: '2025-12-15', who: [...youthIds, ...staffIds.slice(youthCount).filter(() => rnd.chance(0.2))], periods: rnd.int(2, 6) },
      { type: types.training, from: '2026-02-15', to: '2026-04-30', who: youthIds.filter(() => rnd.chance(0.7)), periods: rnd.int(2, 6) },
      { type: types.volunteer, from: '2025-11-01', to: '2025-12-31', who: studentIds.filter(() => rnd.chance(0.55)) },
      { type: types.volunteer, from: '2026-03-01', to: '2026-05-20', who: studentIds.filter(() => rnd.chance(0.45)) },
      { type: types.other, from: '2025-10-01', to: '2026-04-01', who: staffIds.filter(() => rnd.chance(0.3)) },
    ];
    // Drills: one per term, the scenarios in turn; some schools skip term II or repeat the same scenario.
    const first = SCENARIOS[s % SCENARIOS.length]!;
    plan.push({ type: types.drill, from: '2025-10-01', to: '2025-12-15', who: [], scenario: first });
    if (!rnd.chance(0.1)) plan.push({ type: types.drill, from: '2026-02-20', to: '2026-05-10', who: [], scenario: rnd.chance(0.05) ? first : SCENARIOS[(s + 1) % SCENARIOS.length]! });
    if (chaos) {
      // Sessions on the Hà Nội midnight between the terms, and a session of last year.
      plan.push({ type: types.legal, from: t1.end, to: t2.start, who: staffIds.filter(() => rnd.chance(0.5)) });
      plan.push({ type: types.volunteer, from: t1.end, to: t2.start, who: studentIds.filter(() => rnd.chance(0.5)) });
    }
    for (const item of plan) {
      const status = item.status ?? held();
      const row = sessionRow(schoolId, schoolId, item.type, item.scenario ?? null, instantBetween(rnd, item.from, item.to, chaos), status, item.periods ?? null, schoolYearId, item.type === types.drill || item.type === types.volunteer || item.type === types.traffic ? grades : []);
      w.add('sessions', row);
      // Marks exist for held sessions; in chaos mode also at planned and cancelled ones, which must not count.
      if (status !== 'done' && !chaos) continue;
      for (const personId of item.who) {
        w.add('attendance', {
          id: newId(),
          school_id: schoolId,
          session_id: row.id,
          person_id: personId,
          status: rnd.weighted(STATUS_WEIGHTS),
          note: null,
          marked_by: userId,
          marked_at: row.starts_at,
          stream: schoolId,
          version: w.version(schoolId),
        });
      }
    }
    if (chaos) {
      const old = sessionRow(schoolId, schoolId, types.legal, null, '2025-03-10T02:00:00.000Z', 'done', null, otherYearId);
      w.add('sessions', old);
      for (const personId of staffIds.slice(0, 3)) {
        w.add('attendance', { id: newId(), school_id: schoolId, session_id: old.id, person_id: personId, status: 'present', note: null, marked_by: userId, marked_at: old.starts_at, stream: schoolId, version: w.version(schoolId) });
      }
    }

    // ATGT commitments at the start of the year (some late, some never).
    for (const studentId of studentIds) {
      const kinds = commitmentKindsFor(level, { kind: 'student' });
      // In chaos mode also a kind the level does not ask, which must not count.
      const offered = chaos ? [...new Set([...kinds, rnd.pick(['parent_helmet', 'parent_no_motorbike', 'student_traffic'] as const)])] : kinds;
      for (const kind of offered) {
        if (!rnd.chance(chaos ? 0.75 : 0.93)) continue;
        const late = rnd.chance(chaos ? 0.3 : 0.05);
        w.add('commitments', {
          id: newId(),
          school_id: schoolId,
          school_year_id: rnd.chance(chaos ? 0.05 : 0) ? otherYearId : schoolYearId,
          person_id: studentId,
          kind,
          signed_by: kind === 'student_traffic' ? 'self' : 'parent',
          signer_person_id: null,
          method: 'paper',
          signature_hash: null,
          signed_at: late ? instantBetween(rnd, '2025-10-01', CITY_YEAR.end, chaos) : instantBetween(rnd, '2025-09-05', '2025-09-30', chaos),
          device_id: null,
          stream: schoolId,
          version: w.version(schoolId),
        });
      }
    }

    // The school's tablet: most synced within the last days, some not for weeks.
    const daysAgo = rnd.chance(0.1) ? rnd.int(8, 40) : rnd.int(0, 3);
    const lastPush = new Date(Date.parse('2026-05-20T03:00:00.000Z') - daysAgo * 86_400_000).toISOString();
    w.add('sync_clients', { client_id: `city-${schoolId}`, user_id: userId, school_id: schoolId, first_seen_at: CREATED, last_push_at: lastPush, last_pull_at: lastPush });

    // A transaction every few schools keeps memory flat at any scale.
    if ((s + 1) % 10 === 0) {
      await w.flush();
      if ((s + 1) % 100 === 0) log(`${s + 1}/${schoolCount} schools, ${Math.round((Date.now() - started) / 1000)} s`);
    }
  }
  await w.finish();
  if (options.kind === 'sqlite') await sql`PRAGMA foreign_keys = ON`.execute(db);
  log(`done in ${Math.round((Date.now() - started) / 1000)} s: ${JSON.stringify(w.counts)}`);
  return {
    departmentId,
    schoolYearId,
    otherYearId,
    communeIds,
    clusterIds,
    schoolIds,
    moved,
    largestSchoolId: largest.id,
    userId,
    rows: { ...w.counts },
  };
}
