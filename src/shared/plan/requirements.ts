import type { ActivityType, Requirement, Session } from '../domain/activities';
import type { SchoolLevel, SchoolYear, Unit } from '../domain/org';
import type { Class } from '../domain/people';
import { unitsAbove } from '../domain/org-tree';
import { hanoiDate, type LocalDate } from '../time';

/**
 * A school as the plan sees it. Where it sits in the tree can change during a year (a ward reorganised, a school
 * handed from a commune to the Sở): `unitsAbove(date)` answers for a given Hà Nội date, so a requirement of the
 * old manager keeps applying to the periods it was responsible for.
 */
export interface SchoolContext {
  id: string;
  schoolLevel: SchoolLevel | null;
  /** Management-tree ancestors (nearest first) and clusters (with the units above them), as they were on `date`. */
  unitsAbove(date: LocalDate): string[];
}

/**
 * The school as placed in the current tree, which is all a device knows: the same units for every date.
 */
export function schoolContextFromUnits(schoolId: string, units: Unit[]): SchoolContext {
  const byId = new Map(units.map((u) => [u.id, u]));
  const school = byId.get(schoolId);
  const frozen = Object.freeze(unitsAbove(schoolId, byId));
  return { id: schoolId, schoolLevel: school?.schoolLevel ?? null, unitsAbove: () => [...frozen] };
}

/** The units a school belongs to on a date, itself included: what a target or a unit-wide session may name. */
function unitsOf(school: SchoolContext, date: LocalDate): Set<string> {
  return new Set([school.id, ...school.unitsAbove(date)]);
}

/**
 * Whether a requirement asks something of a school on a date: its owner (the Sở, a commune office, a cluster)
 * must manage the school then, and its target must name it: all schools, a level, a subtree or a cluster.
 */
export function requirementAppliesTo(req: Requirement, school: SchoolContext, date: LocalDate): boolean {
  const units = unitsOf(school, date);
  if (!units.has(req.ownerUnitId)) return false;
  const target = req.target;
  switch (target.kind) {
    case 'all':
      return true;
    case 'level':
      return school.schoolLevel !== null && target.schoolLevels.includes(school.schoolLevel);
    case 'subtree':
    case 'cluster':
      return units.has(target.unitId);
  }
}

/** One stretch of the year a requirement is measured over, with how many sessions it needs in it. */
export interface DuePeriod {
  /** Stable within a requirement: `year`, `term-1`, `month-2025-10`, `by-2025-09-30`. */
  key: string;
  /** A short label made of data (the term's name, MM/YYYY, DD/MM/YYYY, the year's label); no prose to translate. */
  label: string;
  start: LocalDate;
  end: LocalDate;
  required: number;
}

function monthEnd(year: number, month: number): LocalDate {
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** The periods of a requirement in a school year, in date order. */
export function duePeriods(req: Requirement, year: SchoolYear): DuePeriod[] {
  const f = req.frequency;
  switch (f.kind) {
    case 'year':
      return [{ key: 'year', label: year.label, start: year.startDate, end: year.endDate, required: f.count }];
    case 'term':
      return [...year.terms]
        .sort((a, b) => a.no - b.no)
        .map((t) => ({ key: `term-${t.no}`, label: t.name, start: t.startDate, end: t.endDate, required: f.count }));
    case 'month': {
      const out: DuePeriod[] = [];
      let y = Number(year.startDate.slice(0, 4));
      let m = Number(year.startDate.slice(5, 7));
      for (;;) {
        const first = `${y}-${pad(m)}-01`;
        if (first > year.endDate) break;
        const last = monthEnd(y, m);
        out.push({
          key: `month-${y}-${pad(m)}`,
          label: `${pad(m)}/${y}`,
          start: first < year.startDate ? year.startDate : first,
          end: last > year.endDate ? year.endDate : last,
          required: f.count,
        });
        m += 1;
        if (m === 13) {
          m = 1;
          y += 1;
        }
      }
      return out;
    }
    case 'byDate': {
      const [y, m, d] = f.dueDate.split('-');
      return [{ key: `by-${f.dueDate}`, label: `${d}/${m}/${y}`, start: year.startDate, end: f.dueDate, required: 1 }];
    }
  }
}

export type DueStatus = 'not_scheduled' | 'scheduled' | 'done' | 'overdue';
export const DUE_STATUSES: readonly DueStatus[] = ['overdue', 'not_scheduled', 'scheduled', 'done'];

export interface DueItem {
  requirement: Requirement;
  period: DuePeriod;
  status: DueStatus;
  /** The sessions that count toward this period, held and planned, in time order. */
  sessions: Session[];
}

/**
 * Whether a session is of the kind a requirement asks for: not cancelled; the requirement's activity type, or
 * another type of the same kind (a commune's own legal-education type counts toward the Sở's legal-education
 * requirement; "other" never stands in for anything); the required scenario when one is named; and an audience
 * that reaches the requirement's (a youth-staff-only training does not reach every staff member).
 *
 * `classGrade` resolves a session's classes to grades for grade requirements; without it, only the session's
 * grades are looked at.
 */
export function sessionCountsFor(
  session: Session,
  req: Requirement,
  types: ActivityType[],
  classGrade?: (classId: string) => number | undefined,
): boolean {
  if (session.status === 'cancelled') return false;
  if (session.activityTypeId !== req.activityTypeId) {
    const mine = types.find((t) => t.id === session.activityTypeId);
    const wanted = types.find((t) => t.id === req.activityTypeId);
    if (!mine || !wanted || mine.code !== wanted.code || wanted.code === 'other') return false;
  }
  if (req.scenarioCode !== null && !req.rotateScenarios && session.scenarioCode !== req.scenarioCode) return false;
  const a = session.audience;
  const wantedGrade = req.audience.grade;
  const reachesGrade = (grade: number): boolean =>
    a.grades.includes(grade) || (classGrade !== undefined && a.classIds.some((c) => classGrade(c) === grade));
  switch (req.audience.kind) {
    case 'staff':
      return a.staff && !a.youthStaffOnly;
    case 'youth_staff':
      return a.staff;
    case 'parents':
      return a.parents && (wantedGrade === null || reachesGrade(wantedGrade));
    case 'students':
      if (wantedGrade !== null) return reachesGrade(wantedGrade);
      return a.grades.length > 0 || a.classIds.length > 0;
    case 'grade':
      return wantedGrade === null ? a.grades.length > 0 || a.classIds.length > 0 : reachesGrade(wantedGrade);
  }
}

/**
 * Whether a session is held at (or for) a school: its own, or one planned for a unit the school belonged to on
 * the session's date (a city-wide drill day appears at every school of the Sở).
 */
export function sessionConcernsSchool(session: Session, school: SchoolContext): boolean {
  if (session.schoolId !== null) return session.schoolId === school.id;
  return unitsOf(school, hanoiDate(session.startsAt)).has(session.scopeUnitId);
}

/**
 * A session that took place: marked done, or planned and already over (Hà Nội date before today). A session
 * planned for today is still "scheduled" until the day ends.
 */
export function sessionHeld(session: Session, today: LocalDate): boolean {
  return session.status === 'done' || (session.status === 'planned' && hanoiDate(session.endsAt) < today);
}

/**
 * Each requirement that applies to the school, per period, with its status:
 * - done: enough sessions held in the period;
 * - overdue: the period ended (its last day is before today) without enough sessions held;
 * - scheduled: enough sessions held or still planned in it;
 * - not_scheduled: otherwise.
 * A session counts in the period that contains its Hà Nội start date. Requirements of other school years, and
 * periods in which the school was not under the requirement's owner and target (judged on the period's last
 * day, when it falls due), are left out.
 */
export function evaluateRequirements(input: {
  requirements: Requirement[];
  activityTypes: ActivityType[];
  school: SchoolContext;
  year: SchoolYear;
  sessions: Session[];
  today: LocalDate;
  /** The school's classes, so that sessions for classes count toward grade requirements. */
  classes?: Class[];
}): DueItem[] {
  const { school, year, today } = input;
  const grades = new Map((input.classes ?? []).map((c) => [c.id, c.grade]));
  const classGrade = (id: string): number | undefined => grades.get(id);
  const mine = input.sessions
    .filter((s) => s.schoolYearId === year.id && s.status !== 'cancelled' && sessionConcernsSchool(s, school))
    .sort((a, b) => (a.startsAt < b.startsAt ? -1 : a.startsAt > b.startsAt ? 1 : 0));
  const items: DueItem[] = [];
  for (const req of input.requirements) {
    if (req.schoolYearId !== year.id) continue;
    const counting = mine.filter((s) => sessionCountsFor(s, req, input.activityTypes, classGrade));
    for (const period of duePeriods(req, year)) {
      if (!requirementAppliesTo(req, school, period.end)) continue;
      const inPeriod = counting.filter((s) => {
        const d = hanoiDate(s.startsAt);
        return d >= period.start && d <= period.end;
      });
      const held = inPeriod.filter((s) => sessionHeld(s, today)).length;
      let status: DueStatus;
      if (held >= period.required) status = 'done';
      else if (period.end < today) status = 'overdue';
      else if (inPeriod.length >= period.required) status = 'scheduled';
      else status = 'not_scheduled';
      items.push({ requirement: req, period, status, sessions: inPeriod });
    }
  }
  return items;
}

export function summariseDue(items: DueItem[]): Record<DueStatus, number> {
  const out: Record<DueStatus, number> = { not_scheduled: 0, scheduled: 0, done: 0, overdue: 0 };
  for (const item of items) out[item.status] += 1;
  return out;
}
