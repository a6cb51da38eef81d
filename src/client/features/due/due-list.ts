import type { RoleGrant } from '../../../shared/auth';
import type { Requirement, SchoolYear, Unit } from '../../../shared/domain';
import {
  DUE_STATUSES,
  duePeriods,
  evaluateRequirements,
  schoolContextFromUnits,
  summariseDue,
  type DueItem,
  type DuePeriod,
  type DueStatus,
} from '../../../shared/plan/requirements';
import type { LocalDate } from '../../../shared/time';
import { unitsAbove } from '../attendance/scope';
import type { PlanData, UnitScope } from '../calendar/use-plan-data';

// Shared with the server, whose per-unit answer defaults to the same year.
export { currentSchoolYear } from '../../../shared/plan/due-wire';

/**
 * Overdue first (it needs acting on), then what is not scheduled, then by due date and, for the same due date, the
 * period already under way first, so the list reads as a to-do list.
 */
export function sortDueItems(items: readonly DueItem[]): DueItem[] {
  const rank = (s: DueStatus) => DUE_STATUSES.indexOf(s);
  return [...items].sort(
    (a, b) =>
      rank(a.status) - rank(b.status) ||
      a.period.end.localeCompare(b.period.end) ||
      a.period.start.localeCompare(b.period.start) ||
      a.requirement.title.localeCompare(b.requirement.title, 'vi'),
  );
}

export interface SchoolDue {
  schoolId: string;
  schoolName: string | null;
  items: DueItem[];
  counts: Record<DueStatus, number>;
  /** Whether this user may plan sessions at the school (its principal, an officer above it, an administrator). */
  canPlan: boolean;
}

/** Whether a grant lets its holder plan sessions at a school; the server decides again on every push. */
export function canPlanAt(grants: readonly RoleGrant[], schoolId: string, units: readonly Unit[]): boolean {
  const byId = new Map(units.map((u) => [u.id, u]));
  const above = unitsAbove(schoolId, byId);
  return grants.some(
    (g) =>
      (g.role === 'principal' && g.unitId === schoolId) ||
      ((g.role === 'officer' || g.role === 'admin') && (g.unitId === schoolId || above.includes(g.unitId))),
  );
}

/** What is due at each of the user's schools on this device in a school year, evaluated as the server would. */
export function dueBySchool(data: PlanData, grants: readonly RoleGrant[], year: SchoolYear, today: LocalDate): SchoolDue[] {
  // Only schools whose own rows this device pulls (a teacher's or principal's): an officer's device may list the
  // schools of its ward but holds none of their sessions, and "not scheduled" everywhere would be false.
  const pulled = new Set(grants.filter((g) => g.role === 'teacher' || g.role === 'principal').map((g) => g.unitId));
  return data.schools.filter((school) => pulled.has(school.schoolId)).map((school) => {
    const items = sortDueItems(
      evaluateRequirements({
        requirements: data.requirements,
        activityTypes: data.activityTypes,
        school: schoolContextFromUnits(school.schoolId, data.units),
        year,
        sessions: data.sessionsBySchool.get(school.schoolId) ?? [],
        classes: data.classesBySchool.get(school.schoolId) ?? [],
        today,
      }),
    );
    return {
      schoolId: school.schoolId,
      schoolName: school.schoolName,
      items,
      counts: summariseDue(items),
      canPlan: canPlanAt(grants, school.schoolId, data.units),
    };
  });
}

export interface UnitRequirement {
  requirement: Requirement;
  periods: DuePeriod[];
}

/**
 * The requirements that concern an officer's unit in a year: set by it, by a unit above it (the Sở's plan) or by
 * a unit below it (a ward adding to the plan). Their status school by school needs the schools' data, which an
 * officer's device does not hold.
 */
export function requirementsOfUnit(data: PlanData, scope: UnitScope, year: SchoolYear): UnitRequirement[] {
  const units = new Set(scope.unitIds);
  return data.requirements
    .filter((r) => r.schoolYearId === year.id && units.has(r.ownerUnitId))
    .map((requirement) => ({ requirement, periods: duePeriods(requirement, year) }))
    .sort((a, b) => a.requirement.title.localeCompare(b.requirement.title, 'vi'));
}

/**
 * The page that plans a session for a requirement's period (the planning feature's form, prefilled from these).
 * A path rather than a route name: that page belongs to the planning feature.
 */
export function planSessionLink(item: Pick<DueItem, 'requirement' | 'period'>): { path: string; query: Record<string, string> } {
  return { path: '/ke-hoach/buoi-moi', query: { requirementId: item.requirement.id, period: item.period.key } };
}

/** Items due now for the home page: overdue ones, and those of a period under way that nothing is planned for yet. */
export function dueNow(items: readonly DueItem[], today: LocalDate): DueItem[] {
  return items.filter(
    (i) => i.status === 'overdue' || (i.status === 'not_scheduled' && i.period.start <= today && today <= i.period.end),
  );
}

/** A period as the lists show it: "Học kỳ I · hạn 17/01/2026", or only the deadline for a "by a date" requirement. */
export function periodText(
  period: Pick<DuePeriod, 'key' | 'label' | 'end'>,
  t: (key: string, named: Record<string, unknown>) => string,
): string {
  const date = `${period.end.slice(8, 10)}/${period.end.slice(5, 7)}/${period.end.slice(0, 4)}`;
  return period.key.startsWith('by-') ? t('due.item.deadline', { date }) : t('due.item.period', { period: period.label, date });
}
