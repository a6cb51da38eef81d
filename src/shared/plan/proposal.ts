import type { ActivityType, Requirement, Session, SessionAudience } from '../domain/activities';
import type { SchoolLevel, SchoolYear } from '../domain/org';
import type { Class } from '../domain/people';
import { hanoiDate, hanoiStartOfDay, type LocalDate } from '../time';
import { evaluateRequirements, sessionConcernsSchool, sessionCountsFor, type SchoolContext } from './requirements';
import type { SessionFields } from './session-input';

/** A session the plan still needs, for the planner to review and edit before it is saved as `session.create`. */
export interface ProposedSession {
  requirementId: string;
  periodKey: string;
  schoolId: string;
  scopeUnitId: string;
  schoolYearId: string;
  fields: SessionFields;
}

const DAY_MS = 86_400_000;

function addDays(date: LocalDate, days: number): LocalDate {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function daysBetween(a: LocalDate, b: LocalDate): number {
  return Math.round((Date.parse(`${b}T00:00:00.000Z`) - Date.parse(`${a}T00:00:00.000Z`)) / DAY_MS);
}

function isWeekend(date: LocalDate): boolean {
  const d = new Date(`${date}T00:00:00.000Z`).getUTCDay();
  return d === 0 || d === 6;
}

function atHanoi(date: LocalDate, minutes: number): string {
  return new Date(Date.parse(hanoiStartOfDay(date)) + minutes * 60_000).toISOString();
}

/** Grades a level teaches, for a students' session at a school whose classes the device does not have. */
const LEVEL_GRADES: Record<SchoolLevel, number[]> = {
  mn: [0],
  th: [1, 2, 3, 4, 5],
  thcs: [6, 7, 8, 9],
  thpt: [10, 11, 12],
  gdnn_gdtx: [10, 11, 12],
};

/**
 * Where in a period a session of each kind is best held, as a fraction of the period: traffic safety is handled
 * apart (September); legal education early in the year; parent sessions at the start of a term; drills once
 * pupils know the building, a few weeks in; the rest in the middle.
 */
function preferredFraction(code: ActivityType['code'] | undefined): number {
  switch (code) {
    case 'legal_education':
    case 'resolution_study':
      return 0.1;
    case 'parent_outreach':
      return 0.05;
    case 'drill':
      return 0.25;
    default:
      return 0.5;
  }
}

/** School hours: students' and parents' sessions in the first periods of the morning, staff's after classes. */
function slot(req: Requirement): { from: number; to: number } {
  return req.audience.kind === 'staff' || req.audience.kind === 'youth_staff'
    ? { from: 14 * 60, to: 16 * 60 }
    : { from: 7 * 60 + 30, to: 9 * 60 };
}

/**
 * The sessions a school still needs to meet the requirements that apply to it, spread over the terms: traffic
 * safety in September (the peak month, commitments due at its end), one drill per term with the next scenario of
 * the fire and rescue plan in rotation, legal education early in the year, parent sessions at term starts, on
 * weekdays in school hours, never two proposals on one day when another free weekday fits. Periods already over
 * get none (they are overdue and shown as such); periods already covered by held or planned sessions get none.
 */
export function proposePlan(input: {
  requirements: Requirement[];
  activityTypes: ActivityType[];
  school: SchoolContext;
  year: SchoolYear;
  sessions: Session[];
  classes: Class[];
  today: LocalDate;
}): ProposedSession[] {
  const { school, year, today, activityTypes } = input;
  const typeById = new Map(activityTypes.map((t) => [t.id, t]));
  const items = evaluateRequirements({ ...input });
  const busy = new Set(
    input.sessions
      .filter((s) => s.status !== 'cancelled' && sessionConcernsSchool(s, school))
      .map((s) => hanoiDate(s.startsAt)),
  );
  const schoolGrades = [
    ...new Set(
      input.classes
        .filter((c) => c.schoolId === school.id && c.schoolYearId === year.id && c.status === 'active')
        .map((c) => c.grade),
    ),
  ].sort((a, b) => a - b);
  const allGrades = schoolGrades.length > 0 ? schoolGrades : school.schoolLevel ? LEVEL_GRADES[school.schoolLevel] : [];

  // Rotation: the scenario after the one last drilled (or planned) this year, per requirement.
  const rotation = new Map<string, number>();
  const nextScenario = (req: Requirement, type: ActivityType | undefined): string | null => {
    if (req.scenarioCode !== null && !req.rotateScenarios) return req.scenarioCode;
    if (!req.rotateScenarios || !type || type.scenarios.length === 0) return req.scenarioCode;
    let index = rotation.get(req.id);
    if (index === undefined) {
      const past = input.sessions
        .filter((s) => s.schoolYearId === year.id && sessionConcernsSchool(s, school) && sessionCountsFor(s, req, activityTypes))
        .filter((s) => s.scenarioCode !== null)
        .sort((a, b) => (a.startsAt < b.startsAt ? -1 : 1));
      const last = past.at(-1)?.scenarioCode;
      const lastIndex = last ? type.scenarios.findIndex((sc) => sc.code === last) : -1;
      index = lastIndex + 1;
    }
    const code = type.scenarios[index % type.scenarios.length]!.code;
    rotation.set(req.id, index + 1);
    return code;
  };

  const pickDay = (from: LocalDate, to: LocalDate, preferred: LocalDate): LocalDate | null => {
    const candidates: LocalDate[] = [];
    for (let d = from; d <= to; d = addDays(d, 1)) if (!isWeekend(d)) candidates.push(d);
    if (candidates.length === 0) return null;
    // Nearest weekday to the preferred day, later days first on a tie; a free day if there is one.
    const order = [...candidates].sort(
      (a, b) => Math.abs(daysBetween(preferred, a)) - Math.abs(daysBetween(preferred, b)) || (a < b ? 1 : -1),
    );
    return order.find((d) => !busy.has(d)) ?? order[0]!;
  };

  const out: ProposedSession[] = [];
  for (const item of items) {
    const { requirement: req, period } = item;
    if (item.status === 'done' || item.status === 'overdue') continue;
    const missing = period.required - item.sessions.length;
    if (missing <= 0) continue;
    const from = period.start > today ? period.start : today;
    const to = period.end;
    if (from > to) continue;
    const type = typeById.get(req.activityTypeId);
    const length = daysBetween(from, to);

    for (let i = 0; i < missing; i++) {
      let preferred: LocalDate;
      if (type?.code === 'traffic_safety') {
        const september = `${from.slice(0, 4)}-09-08`;
        preferred = september >= from && september <= to ? september : from;
      } else if (missing === 1) {
        preferred = addDays(from, Math.round(length * preferredFraction(type?.code)));
      } else {
        preferred = addDays(from, Math.round((length * (i + 0.5)) / missing));
      }
      const day = pickDay(from, to, preferred);
      if (!day) break;
      busy.add(day);

      const scenarioCode = nextScenario(req, type);
      const scenario = type?.scenarios.find((s) => s.code === scenarioCode);
      const { from: fromMin, to: toMin } = slot(req);
      const fields: SessionFields = {
        title: [type?.name ?? req.title, scenario?.name].filter(Boolean).join(' – '),
        activityTypeId: req.activityTypeId,
        scenarioCode,
        startsAt: atHanoi(day, fromMin),
        endsAt: atHanoi(day, toMin),
        place: null,
        audience: audienceFor(req, allGrades),
        facilitatorPersonId: null,
        trainerUserId: null,
        materialIds: [],
        periods: type?.carriesPeriods ? Math.floor((toMin - fromMin) / 45) : null,
      };
      out.push({
        requirementId: req.id,
        periodKey: period.key,
        schoolId: school.id,
        scopeUnitId: school.id,
        schoolYearId: year.id,
        fields,
      });
    }
  }
  return out.sort((a, b) => (a.fields.startsAt < b.fields.startsAt ? -1 : a.fields.startsAt > b.fields.startsAt ? 1 : 0));
}

function audienceFor(req: Requirement, allGrades: number[]): SessionAudience {
  const none: SessionAudience = { classIds: [], grades: [], staff: false, youthStaffOnly: false, parents: false };
  const grade = req.audience.grade;
  switch (req.audience.kind) {
    case 'staff':
      return { ...none, staff: true };
    case 'youth_staff':
      return { ...none, staff: true, youthStaffOnly: true };
    case 'parents':
      return { ...none, parents: true, grades: grade === null ? [] : [grade] };
    case 'students':
    case 'grade':
      return { ...none, grades: grade === null ? allGrades : [grade] };
  }
}
