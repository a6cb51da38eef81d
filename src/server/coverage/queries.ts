import { PostgresAdapter, sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import { commitmentKindsFor } from '../../shared/domain/commitments';
import type { SchoolLevel } from '../../shared/domain/org';
import { YOUTH_STAFF_TAGS, type AttendanceIndicator } from '../../shared/coverage/indicators';
import type { CoveragePeriod, IndicatorCode } from '../../shared/coverage/types';
import { hanoiStartOfDay, type LocalDate } from '../../shared/time';
import type { Database } from '../db/schema';
import { idChunks } from '../sync/batching';

/**
 * The person-based indicators in SQL, per school, for a whole unit at once: the same rules as
 * `computeSchoolCoverage` (src/shared/coverage/indicators.ts, where they are written down), checked against it on
 * random data by tests/integration/server/coverage-agreement.test.ts. Only standard SQL that SQLite and
 * PostgreSQL answer alike. Relies on the write path's invariant that attendance and commitment rows carry the
 * person's school (their stream), so that each count reads one school's index range.
 */

/** The period as the queries compare it: Hà Nội dates for people, UTC instants for sessions and signatures. */
export interface SqlPeriod {
  schoolYearId: string;
  from: LocalDate;
  to: LocalDate;
  /** Instant the period's first day begins in Hà Nội. */
  fromInstant: string;
  /** Instant the day after the period's last begins: sessions and signatures strictly before it count. */
  endInstant: string;
}

function nextDay(date: LocalDate): LocalDate {
  const t = Date.parse(`${date}T00:00:00.000Z`) + 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

export function sqlPeriod(period: CoveragePeriod): SqlPeriod {
  return {
    schoolYearId: period.schoolYearId,
    from: period.from,
    to: period.to,
    fromInstant: hanoiStartOfDay(period.from),
    endInstant: hanoiStartOfDay(nextDay(period.to)),
  };
}

/** Activity type ids per attendance indicator (from `typesCountingToward`). */
export type CountingTypes = Record<AttendanceIndicator, string[]>;

type PersonAlias = 'p' | 'st';
// The helpers below are used inside queries whose table aliases differ; they name columns by alias.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyEb = ExpressionBuilder<any, any>;

/** "Belonged to the school during some of the period" (see personInPeriod). */
function inPeriod(eb: AnyEb, alias: PersonAlias, p: SqlPeriod): Expression<SqlBool> {
  const col = (c: string) => eb.ref(`${alias}.${c}`);
  return eb.and([
    eb.or([eb(col('joined_on'), 'is', null), eb(col('joined_on'), '<=', p.to)]),
    eb.or([eb.and([eb(col('left_on'), 'is', null), eb(col('status'), '=', 'active')]), eb(col('left_on'), '>=', p.from)]),
  ]);
}

function isYouth(eb: AnyEb, alias: PersonAlias): Expression<SqlBool> {
  return eb.or(YOUTH_STAFF_TAGS.map((t) => eb(eb.ref(`${alias}.role_tags`), 'like', `%"${t}"%`)));
}

const COUNTING_STATUSES = ['present', 'late'];

/**
 * Attendance at counting sessions of some types in the period, for some schools. Driven from the sessions (a few per
 * school and indicator, found by `sessions_coverage`) into their marks (`attendance_coverage`, covering), so only
 * the marks that can count are read, never a school's whole attendance.
 */
function countingAttendance(db: Kysely<Database>, schoolIds: string[], types: string[], p: SqlPeriod) {
  return db
    .selectFrom('sessions as s')
    .innerJoin('attendance as a', 'a.session_id', 's.id')
    .where('s.school_year_id', '=', p.schoolYearId)
    .where('s.activity_type_id', 'in', types)
    .where('s.status', '=', 'done')
    .where('s.starts_at', '>=', p.fromInstant)
    .where('s.starts_at', '<', p.endInstant)
    .where('a.school_id', 'in', schoolIds)
    .where('a.status', 'in', COUNTING_STATUSES);
}

type OwnCode = 'staffLegalEducation' | 'youthStaffTrained' | 'studentsVolunteering';

/** Staff or students counted by their own attendance (staffLegalEducation, youthStaffTrained, studentsVolunteering). */
function ownAttendanceQuery(db: Kysely<Database>, code: OwnCode, schoolIds: string[], types: string[], p: SqlPeriod) {
  return countingAttendance(db, schoolIds, types, p)
    .innerJoin('persons as p', 'p.id', 'a.person_id')
    .where('p.kind', '=', code === 'studentsVolunteering' ? 'student' : 'staff')
    .where((eb) => (code === 'youthStaffTrained' ? eb.and([inPeriod(eb, 'p', p), isYouth(eb, 'p')]) : inPeriod(eb, 'p', p)));
}

/** Students whose linked parent (of the same school) attended a counting parent session. */
function parentsReachedQuery(db: Kysely<Database>, schoolIds: string[], types: string[], p: SqlPeriod) {
  return countingAttendance(db, schoolIds, types, p)
    .innerJoin('persons as pa', 'pa.id', 'a.person_id')
    .innerJoin('person_links as l', 'l.parent_id', 'pa.id')
    .innerJoin('persons as st', 'st.id', 'l.student_id')
    .where('pa.kind', '=', 'parent')
    // Wrapped so that SQLite, without statistics, does not take "students of the parent's school" as the way in and
    // scan a school's students for every mark; the student is reached by the link's id instead.
    .where((eb) => eb(eb.fn.coalesce('st.school_id', sql.lit('')), '=', eb.ref('pa.school_id')))
    .where('st.kind', '=', 'student')
    .where((eb) => inPeriod(eb, 'st', p));
}

/** Students of schools of one level with every commitment kind the level asks, signed by the period's end. */
function commitmentsQuery(db: Kysely<Database>, schoolIds: string[], kinds: string[], p: SqlPeriod) {
  const signedAll = db
    .selectFrom('commitments as c')
    .select('c.person_id')
    .where('c.school_id', 'in', schoolIds)
    // Wrapped on SQLite so that, without statistics, it reads these schools' range of `commitments_coverage` rather
    // than every commitment of the year through the one-signature constraint's index. Not on PostgreSQL: there the
    // wrapper hides the column from its statistics, it expects a few hundred rows instead of most of the table, and
    // picks nested loops that take seconds.
    .where((eb) =>
      db.getExecutor().adapter instanceof PostgresAdapter
        ? eb('c.school_year_id', '=', p.schoolYearId)
        : eb(eb.fn.coalesce('c.school_year_id', sql.lit('')), '=', p.schoolYearId),
    )
    .where('c.kind', 'in', kinds)
    .where('c.signed_at', '<', p.endInstant)
    // Grouped in the order of `commitments_coverage` (the year is one value here, and a person's commitments carry the
    // person's school), so that the index's order does the grouping: by person alone, SQLite sorted every commitment.
    .groupBy(['c.school_id', 'c.school_year_id', 'c.person_id'])
    .having((eb) => eb.fn.count<number>('c.kind').distinct(), '=', kinds.length);
  return db
    .selectFrom('persons as p')
    .innerJoin(signedAll.as('c'), 'c.person_id', 'p.id')
    .where('p.school_id', 'in', schoolIds)
    .where('p.kind', '=', 'student')
    .where((eb) => inPeriod(eb, 'p', p));
}

export type PersonIndicator = Exclude<IndicatorCode, 'drillsHeld'>;
export const PERSON_INDICATORS: readonly PersonIndicator[] = [
  'staffLegalEducation',
  'trafficCommitments',
  'youthStaffTrained',
  'parentsReached',
  'studentsVolunteering',
];

export interface SchoolCounts {
  numerator: Record<PersonIndicator, number>;
  denominator: Record<PersonIndicator, number>;
  youthPeriods: number;
}

function emptyCounts(): SchoolCounts {
  const zero = (): Record<PersonIndicator, number> => ({
    staffLegalEducation: 0,
    trafficCommitments: 0,
    youthStaffTrained: 0,
    parentsReached: 0,
    studentsVolunteering: 0,
  });
  return { numerator: zero(), denominator: zero(), youthPeriods: 0 };
}

/** Groups schools by the commitment kinds their level asks, so each group is one query. */
function byCommitmentKinds(levels: Map<string, SchoolLevel | null>, schoolIds: string[]): Array<{ kinds: string[]; schools: string[] }> {
  const out = new Map<string, { kinds: string[]; schools: string[] }>();
  for (const id of schoolIds) {
    const kinds = commitmentKindsFor(levels.get(id) ?? null, { kind: 'student' });
    const key = kinds.join(',');
    const g = out.get(key);
    if (g) g.schools.push(id);
    else out.set(key, { kinds, schools: [id] });
  }
  return [...out.values()];
}

// A thousand schools per statement keeps every query far under the bound-parameter limits.
const SCHOOLS_PER_QUERY = 1000;

function schoolChunks(ids: string[]): string[][] {
  return idChunks(ids).flatMap((c) => {
    const out: string[][] = [];
    for (let i = 0; i < c.length; i += SCHOOLS_PER_QUERY) out.push(c.slice(i, i + SCHOOLS_PER_QUERY));
    return out;
  });
}

/**
 * Per school: numerators and denominators of the person-based indicators, and youth staff's class periods. A
 * handful of grouped queries per thousand schools, whatever their size.
 */
export async function personCounts(
  db: Kysely<Database>,
  schoolIds: string[],
  levels: Map<string, SchoolLevel | null>,
  types: CountingTypes,
  period: CoveragePeriod,
): Promise<Map<string, SchoolCounts>> {
  const p = sqlPeriod(period);
  const out = new Map<string, SchoolCounts>(schoolIds.map((id) => [id, emptyCounts()]));
  const at = (id: string): SchoolCounts => {
    let c = out.get(id);
    if (!c) out.set(id, (c = emptyCounts()));
    return c;
  };
  const setNumerators = (rows: Array<{ school_id: string; n: number | string | bigint }>, code: PersonIndicator) => {
    for (const r of rows) at(r.school_id).numerator[code] = Number(r.n);
  };
  for (const ids of schoolChunks(schoolIds)) {
    // Independent statements: on PostgreSQL they run side by side on the pool's connections (SQLite takes them in turn).
    const tasks: Array<Promise<void>> = [];
    tasks.push(
      (async () => {
        const denominators = await db
          .selectFrom('persons as p')
          .select((eb) => [
            'p.school_id',
            'p.kind',
            eb.fn.countAll<number>().as('n'),
            eb.fn.sum<number>(eb.case().when(isYouth(eb, 'p')).then(1).else(0).end()).as('youth'),
          ])
          .where('p.school_id', 'in', ids)
          .where('p.kind', 'in', ['staff', 'student'])
          .where((eb) => inPeriod(eb, 'p', p))
          .groupBy(['p.school_id', 'p.kind'])
          .execute();
        for (const r of denominators) {
          const c = at(r.school_id);
          if (r.kind === 'staff') {
            c.denominator.staffLegalEducation = Number(r.n);
            c.denominator.youthStaffTrained = Number(r.youth ?? 0);
          } else {
            c.denominator.trafficCommitments = Number(r.n);
            c.denominator.parentsReached = Number(r.n);
            c.denominator.studentsVolunteering = Number(r.n);
          }
        }
      })(),
    );
    for (const code of ['staffLegalEducation', 'studentsVolunteering'] as const) {
      if (types[code].length === 0) continue;
      tasks.push(
        (async () => {
          const rows = await ownAttendanceQuery(db, code, ids, types[code], p)
            .select((eb) => ['p.school_id', eb.fn.count<number>('p.id').distinct().as('n')])
            .groupBy('p.school_id')
            .execute();
          setNumerators(rows, code);
        })(),
      );
    }
    if (types.youthStaffTrained.length > 0) {
      tasks.push(
        (async () => {
          const rows = await ownAttendanceQuery(db, 'youthStaffTrained', ids, types.youthStaffTrained, p)
            .select((eb) => [
              'p.school_id',
              eb.fn.count<number>('p.id').distinct().as('n'),
              eb.fn.sum<number>(eb.fn.coalesce('s.periods', sql<number>`0`)).as('periods'),
            ])
            .groupBy('p.school_id')
            .execute();
          setNumerators(rows, 'youthStaffTrained');
          for (const r of rows) at(r.school_id).youthPeriods = Number(r.periods ?? 0);
        })(),
      );
    }
    if (types.parentsReached.length > 0) {
      tasks.push(
        (async () => {
          const rows = await parentsReachedQuery(db, ids, types.parentsReached, p)
            .select((eb) => ['st.school_id', eb.fn.count<number>('st.id').distinct().as('n')])
            .groupBy('st.school_id')
            .execute();
          setNumerators(rows, 'parentsReached');
        })(),
      );
    }
    for (const group of byCommitmentKinds(levels, ids)) {
      if (group.kinds.length === 0) continue;
      tasks.push(
        (async () => {
          const rows = await commitmentsQuery(db, group.schools, group.kinds, p)
            .select((eb) => ['p.school_id', eb.fn.countAll<number>().as('n')])
            .groupBy('p.school_id')
            .execute();
          setNumerators(rows, 'trafficCommitments');
        })(),
      );
    }
    await Promise.all(tasks);
  }
  return out;
}

export interface PersonRow {
  id: string;
  kind: string;
  fullName: string;
  classId: string | null;
  youth: boolean;
}

/** One school's people of the period, and who is counted under each person-based indicator: the school page's lists. */
export async function personLists(
  db: Kysely<Database>,
  schoolId: string,
  level: SchoolLevel | null,
  types: CountingTypes,
  period: CoveragePeriod,
): Promise<{ people: PersonRow[]; counted: Record<PersonIndicator, Set<string>>; youthPeriods: number }> {
  const p = sqlPeriod(period);
  const ids = [schoolId];
  const rows = await db
    .selectFrom('persons as p')
    .select(['p.id', 'p.kind', 'p.full_name', 'p.class_id', 'p.role_tags'])
    .where('p.school_id', '=', schoolId)
    .where('p.kind', 'in', ['staff', 'student'])
    .where((eb) => inPeriod(eb, 'p', p))
    .execute();
  const people: PersonRow[] = rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    fullName: r.full_name,
    classId: r.class_id,
    youth: r.kind === 'staff' && YOUTH_STAFF_TAGS.some((t) => r.role_tags.includes(`"${t}"`)),
  }));
  const counted: Record<PersonIndicator, Set<string>> = {
    staffLegalEducation: new Set(),
    trafficCommitments: new Set(),
    youthStaffTrained: new Set(),
    parentsReached: new Set(),
    studentsVolunteering: new Set(),
  };
  for (const code of ['staffLegalEducation', 'youthStaffTrained', 'studentsVolunteering'] as const) {
    if (types[code].length === 0) continue;
    const found = await ownAttendanceQuery(db, code, ids, types[code], p).select('p.id').distinct().execute();
    for (const r of found) counted[code].add(r.id);
  }
  let youthPeriods = 0;
  if (types.youthStaffTrained.length > 0) {
    const r = await ownAttendanceQuery(db, 'youthStaffTrained', ids, types.youthStaffTrained, p)
      .select((eb) => eb.fn.sum<number>(eb.fn.coalesce('s.periods', sql<number>`0`)).as('periods'))
      .executeTakeFirst();
    youthPeriods = Number(r?.periods ?? 0);
  }
  if (types.parentsReached.length > 0) {
    const found = await parentsReachedQuery(db, ids, types.parentsReached, p).select('st.id').distinct().execute();
    for (const r of found) counted.parentsReached.add(r.id);
  }
  const kinds = commitmentKindsFor(level, { kind: 'student' });
  if (kinds.length > 0) {
    const found = await commitmentsQuery(db, ids, kinds, p).select('p.id').execute();
    for (const r of found) counted.trafficCommitments.add(r.id);
  }
  return { people, counted, youthPeriods };
}
