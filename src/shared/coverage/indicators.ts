import type { ActivityType, Requirement, Session } from '../domain/activities';
import { commitmentKindsFor } from '../domain/commitments';
import type { Person } from '../domain/people';
import { evaluateRequirements, sessionHeld, type DueItem } from '../plan/requirements';
import { hanoiDate, type LocalDate } from '../time';
import {
  INDICATOR_CODES,
  INDICATOR_TAGS,
  type ClassCoverage,
  type CoveragePeriod,
  type IndicatorCode,
  type IndicatorResult,
  type MissingItem,
  type SchoolCoverageInput,
  type TrendPoint,
} from './types';

/*
 * How each indicator is counted (the plan's targets, DOMAIN.md). The server's SQL (src/server/coverage/queries.ts)
 * implements the same rules and a test checks on random data that both agree exactly; change both together.
 *
 * Common rules
 * - A person counts toward a period when they belonged to the school during some of it: joined on or before its
 *   last day (or join date unknown) and left on or after its first day (or not left). A person marked `left`
 *   without a leaving date is not counted: nothing tells when they were there.
 * - A session counts toward an indicator when its activity type lists the indicator (`ActivityType.indicators`),
 *   it belongs to the period's school year, it is `done` (a coverage figure reports evidence, not plans) and its
 *   Hà Nội start date lies in the period. An attendance counts when it is `present` or `late`.
 *
 * Indicators
 * - staffLegalEducation: staff of the period; counted with ≥1 counting attendance at a staff_legal_education session.
 * - drillsHeld: each (required drill requirement × due period) that applies to the school and overlaps the period,
 *   judged like the due list (`evaluateRequirements`: held = done, or planned and over); counted when done. A
 *   requirement is a drill requirement when its `indicator` is drills_held, or it has none and its activity type
 *   lists drills_held. `rotateScenarios`: every scenario of the type in turn — each due period asks for the first
 *   scenario of the type not yet drilled this year (starting over once all have been), and is done only when a
 *   held drill in it had that scenario.
 * - trafficCommitments: students of the period; counted when every commitment kind their school's level asks
 *   (`commitmentKindsFor`) is recorded for the year with a Hà Nội signing date on or before the period's last day.
 * - youthStaffTrained: staff of the period tagged youth_leader or youth_union_secretary; counted with ≥1 counting
 *   attendance at a youth_staff_trained session. `periods` sums the class periods (tiết) of every counting
 *   attendance of the staff in the denominator.
 * - parentsReached: students of the period; counted when a parent linked to them (`Person.studentIds`) has ≥1
 *   counting attendance at a parents_reached session.
 * - studentsVolunteering: students of the period; counted with ≥1 counting attendance at a students_volunteering
 *   session.
 */

export const YOUTH_STAFF_TAGS: readonly string[] = ['youth_leader', 'youth_union_secretary'];

/** Person-based indicators whose people are students, so they break down by class. */
export const STUDENT_INDICATORS: readonly IndicatorCode[] = ['trafficCommitments', 'parentsReached', 'studentsVolunteering'];

/** Attendance-based indicators, in the order SQL and the pure function compute them. */
export const ATTENDANCE_INDICATORS = ['staffLegalEducation', 'youthStaffTrained', 'parentsReached', 'studentsVolunteering'] as const;
export type AttendanceIndicator = (typeof ATTENDANCE_INDICATORS)[number];

export function percentage(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : Math.round((numerator / denominator) * 1000) / 10;
}

/** Whether a person belonged to the school during some of the period (see the rules above). */
export function personInPeriod(p: Pick<Person, 'joinedOn' | 'leftOn' | 'status'>, from: LocalDate, to: LocalDate): boolean {
  if (p.joinedOn !== null && p.joinedOn > to) return false;
  if (p.leftOn === null) return p.status === 'active';
  return p.leftOn >= from;
}

export function isYouthStaff(p: Pick<Person, 'kind' | 'roleTags'>): boolean {
  return p.kind === 'staff' && (p.roleTags as readonly string[]).some((t) => YOUTH_STAFF_TAGS.includes(t));
}

/** Activity type ids whose sessions count toward each indicator. */
export function typesCountingToward(types: ActivityType[]): Record<IndicatorCode, Set<string>> {
  const out = {} as Record<IndicatorCode, Set<string>>;
  for (const code of INDICATOR_CODES) {
    const tag = INDICATOR_TAGS[code];
    out[code] = new Set(types.filter((t) => (t.indicators as readonly string[]).includes(tag)).map((t) => t.id));
  }
  return out;
}

/** The whole school year as a period, or one of its terms. */
export function periodOf(year: SchoolCoverageInput['year'], termNo?: number): CoveragePeriod {
  if (termNo !== undefined) {
    const term = year.terms.find((t) => t.no === termNo);
    if (term) return { schoolYearId: year.id, from: term.startDate, to: term.endDate, termNo };
  }
  return { schoolYearId: year.id, from: year.startDate, to: year.endDate };
}

function isDrillRequirement(req: Requirement, types: ActivityType[]): boolean {
  if (req.indicator !== null) return req.indicator === INDICATOR_TAGS.drillsHeld;
  const type = types.find((t) => t.id === req.activityTypeId);
  return type !== undefined && (type.indicators as readonly string[]).includes(INDICATOR_TAGS.drillsHeld);
}

/** A required drill of one due period, with the scenario whose turn it was. */
export interface DrillDue extends DueItem {
  scenarioCode: string | null;
}

/**
 * The school's drill requirements per due period for the whole year, with rotating requirements held to the
 * scenario whose turn it is (see drillsHeld above). Periods are not yet cut to a coverage period.
 */
export function drillDues(input: SchoolCoverageInput): DrillDue[] {
  const drillReqs = input.requirements.filter((r) => r.schoolYearId === input.year.id && isDrillRequirement(r, input.activityTypes));
  if (drillReqs.length === 0) return [];
  const items = evaluateRequirements({
    requirements: drillReqs,
    activityTypes: input.activityTypes,
    school: { id: input.school.id, schoolLevel: input.school.schoolLevel, unitsAbove: (d) => input.school.unitsAbove(d) },
    year: input.year,
    sessions: input.sessions,
    classes: input.classes,
    today: input.today,
  });
  const out: DrillDue[] = [];
  const drilledByReq = new Map<string, Set<string>>();
  for (const item of items) {
    const req = item.requirement;
    if (!req.rotateScenarios) {
      out.push({ ...item, scenarioCode: req.scenarioCode });
      continue;
    }
    const scenarios = input.activityTypes.find((t) => t.id === req.activityTypeId)?.scenarios.map((s) => s.code) ?? [];
    if (scenarios.length === 0) {
      out.push({ ...item, scenarioCode: null });
      continue;
    }
    let drilled = drilledByReq.get(req.id);
    if (!drilled) drilledByReq.set(req.id, (drilled = new Set()));
    let due = scenarios.find((c) => !drilled.has(c));
    if (due === undefined) {
      drilled.clear();
      due = scenarios[0]!;
    }
    const held = item.sessions.filter((s) => sessionHeld(s, input.today));
    let status = item.status;
    if (status === 'done' && !held.some((s) => s.scenarioCode === due)) {
      if (item.period.end < input.today) status = 'overdue';
      else status = item.sessions.some((s) => s.scenarioCode === due && !sessionHeld(s, input.today)) ? 'scheduled' : 'not_scheduled';
    }
    for (const s of held) if (s.scenarioCode !== null && scenarios.includes(s.scenarioCode)) drilled.add(s.scenarioCode);
    out.push({ ...item, status, scenarioCode: due });
  }
  return out;
}

/** The drill dues whose period overlaps the coverage period. */
export function drillDuesIn(input: SchoolCoverageInput, period: CoveragePeriod): DrillDue[] {
  return drillDues(input).filter((d) => d.period.start <= period.to && d.period.end >= period.from);
}

function drillMissing(d: DrillDue, schoolId: string): MissingItem {
  const item: MissingItem = {
    kind: 'scenario',
    id: `${d.requirement.id}:${d.period.key}`,
    name: `${d.requirement.title} (${d.period.label})`,
    schoolId,
    dueDate: d.period.end,
  };
  if (d.scenarioCode !== null) item.scenarioCode = d.scenarioCode;
  return item;
}

function personMissing(p: Person): MissingItem {
  const item: MissingItem = { kind: 'person', id: p.id, name: p.fullName, schoolId: p.schoolId };
  if (p.classId !== null) item.classId = p.classId;
  return item;
}

function byName(a: MissingItem, b: MissingItem): number {
  return a.name.localeCompare(b.name, 'vi') || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Who counts and who is counted, per indicator, before it is turned into figures. */
interface PersonTally {
  code: IndicatorCode;
  people: Person[];
  counted: Set<string>;
  periods?: number;
}

/**
 * The person-based tallies of one school: the shared core of `computeSchoolCoverage` and the per-class breakdown,
 * indexed once so that a 2,000-student school with a year of attendance is computed in a few milliseconds.
 */
function tallies(input: SchoolCoverageInput, period: CoveragePeriod): PersonTally[] {
  const { from, to } = period;
  const schoolId = input.school.id;
  const people = input.persons.filter((p) => p.schoolId === schoolId && personInPeriod(p, from, to));
  const staff = people.filter((p) => p.kind === 'staff');
  const students = people.filter((p) => p.kind === 'student');
  const youth = staff.filter(isYouthStaff);
  const typeSets = typesCountingToward(input.activityTypes);

  // Which indicators each counting session counts toward, and its class periods.
  const sessionCodes = new Map<string, { codes: AttendanceIndicator[]; periods: number }>();
  for (const s of input.sessions) {
    if (s.status !== 'done' || s.schoolYearId !== period.schoolYearId) continue;
    const d = hanoiDate(s.startsAt);
    if (d < from || d > to) continue;
    const codes = ATTENDANCE_INDICATORS.filter((c) => typeSets[c].has(s.activityTypeId));
    if (codes.length > 0) sessionCodes.set(s.id, { codes, periods: s.periods ?? 0 });
  }
  const attended: Record<AttendanceIndicator, Set<string>> = {
    staffLegalEducation: new Set(),
    youthStaffTrained: new Set(),
    parentsReached: new Set(),
    studentsVolunteering: new Set(),
  };
  const youthIds = new Set(youth.map((p) => p.id));
  let youthPeriods = 0;
  for (const a of input.attendance) {
    if (a.status !== 'present' && a.status !== 'late') continue;
    const s = sessionCodes.get(a.sessionId);
    if (!s) continue;
    for (const code of s.codes) {
      attended[code].add(a.personId);
      if (code === 'youthStaffTrained' && youthIds.has(a.personId)) youthPeriods += s.periods;
    }
  }

  const reachedStudents = new Set<string>();
  for (const p of input.persons) {
    if (p.kind !== 'parent' || p.schoolId !== schoolId || !attended.parentsReached.has(p.id)) continue;
    for (const sid of p.studentIds) reachedStudents.add(sid);
  }

  const toDate = to;
  const signed = new Map<string, Set<string>>();
  for (const c of input.commitments) {
    if (c.schoolYearId !== period.schoolYearId || hanoiDate(c.signedAt) > toDate) continue;
    let kinds = signed.get(c.personId);
    if (!kinds) signed.set(c.personId, (kinds = new Set()));
    kinds.add(c.kind);
  }
  const committed = new Set<string>();
  for (const p of students) {
    const kinds = commitmentKindsFor(input.school.schoolLevel, p);
    const have = signed.get(p.id);
    if (kinds.length > 0 && kinds.every((k) => have?.has(k))) committed.add(p.id);
  }

  const countedOf = (list: Person[], set: Set<string>): Set<string> => new Set(list.filter((p) => set.has(p.id)).map((p) => p.id));
  return [
    { code: 'staffLegalEducation', people: staff, counted: countedOf(staff, attended.staffLegalEducation) },
    { code: 'trafficCommitments', people: students, counted: committed },
    { code: 'youthStaffTrained', people: youth, counted: countedOf(youth, attended.youthStaffTrained), periods: youthPeriods },
    { code: 'parentsReached', people: students, counted: countedOf(students, reachedStudents) },
    { code: 'studentsVolunteering', people: students, counted: countedOf(students, attended.studentsVolunteering) },
  ];
}

/**
 * A school's indicators over a period, in `INDICATOR_CODES` order, each with the people (or drills) still
 * missing, sorted by name. Pure: the device runs it offline over what it holds, the server's SQL is checked
 * against it.
 */
export function computeSchoolCoverage(input: SchoolCoverageInput, period: CoveragePeriod): IndicatorResult[] {
  const byCode = new Map<IndicatorCode, IndicatorResult>();
  for (const t of tallies(input, period)) {
    const missing = t.people.filter((p) => !t.counted.has(p.id)).map(personMissing).sort(byName);
    const result: IndicatorResult = {
      code: t.code,
      numerator: t.counted.size,
      denominator: t.people.length,
      percentage: percentage(t.counted.size, t.people.length),
      missing,
    };
    if (t.periods !== undefined) result.periods = t.periods;
    byCode.set(t.code, result);
  }
  const drills = drillDuesIn(input, period);
  const done = drills.filter((d) => d.status === 'done').length;
  byCode.set('drillsHeld', {
    code: 'drillsHeld',
    numerator: done,
    denominator: drills.length,
    percentage: percentage(done, drills.length),
    missing: drills
      .filter((d) => d.status !== 'done')
      .map((d) => drillMissing(d, input.school.id))
      .sort((a, b) => (a.dueDate ?? '').localeCompare(b.dueDate ?? '') || byName(a, b)),
  });
  return INDICATOR_CODES.map((c) => byCode.get(c)!);
}

/** The student indicators per class of the school's year (classes by grade, then name). */
export function classCoverage(input: SchoolCoverageInput, period: CoveragePeriod): ClassCoverage[] {
  const classes = input.classes
    .filter((c) => c.schoolId === input.school.id && c.schoolYearId === input.year.id)
    .sort((a, b) => a.grade - b.grade || a.name.localeCompare(b.name, 'vi'));
  const ts = tallies(input, period).filter((t) => STUDENT_INDICATORS.includes(t.code));
  return classes.map((c) => ({
    classId: c.id,
    name: c.name,
    grade: c.grade,
    indicators: STUDENT_INDICATORS.map((code) => {
      const t = ts.find((x) => x.code === code)!;
      const people = t.people.filter((p) => p.classId === c.id);
      const n = people.filter((p) => t.counted.has(p.id)).length;
      return { code, numerator: n, denominator: people.length, percentage: percentage(n, people.length) };
    }),
  }));
}

/**
 * Several schools' results summed into a unit's (numerators over denominators, not an average of percentages);
 * `missing` names the schools below 100 %.
 */
export function rollUp(
  schools: Array<{ schoolId: string; name: string; results: Array<Pick<IndicatorResult, 'code' | 'numerator' | 'denominator' | 'periods'>> }>,
): IndicatorResult[] {
  return INDICATOR_CODES.map((code) => {
    let numerator = 0;
    let denominator = 0;
    let periods = 0;
    const missing: MissingItem[] = [];
    for (const s of schools) {
      const r = s.results.find((x) => x.code === code);
      if (!r) continue;
      numerator += r.numerator;
      denominator += r.denominator;
      periods += r.periods ?? 0;
      if (r.numerator < r.denominator) missing.push({ kind: 'school', id: s.schoolId, name: s.name, schoolId: s.schoolId });
    }
    const result: IndicatorResult = { code, numerator, denominator, percentage: percentage(numerator, denominator), missing: missing.sort(byName) };
    if (code === 'youthStaffTrained') result.periods = periods;
    return result;
  });
}

function monthEndOf(month: string): LocalDate {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/**
 * An indicator month by month over a period, cumulative: each point is the indicator from the period's first day
 * to the month's last (or the period's last, if sooner), so a chart shows coverage rising through the year.
 */
export function monthlyTrend(input: SchoolCoverageInput, period: CoveragePeriod, code: IndicatorCode): TrendPoint[] {
  const out: TrendPoint[] = [];
  let month = period.from.slice(0, 7);
  const last = period.to.slice(0, 7);
  while (month <= last) {
    const end = monthEndOf(month);
    const to = end < period.to ? end : period.to;
    const r = computeSchoolCoverage(input, { ...period, to }).find((x) => x.code === code)!;
    out.push({ month, numerator: r.numerator, denominator: r.denominator, percentage: r.percentage });
    const [y, m] = month.split('-').map(Number) as [number, number];
    month = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  }
  return out;
}

export type { Session };
