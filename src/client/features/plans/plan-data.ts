import type { RoleGrant } from '../../../shared/auth';
import type { ActivityType, Class, Person, Requirement, SchoolYear, Session, Unit } from '../../../shared/domain';
import { hanoiDate } from '../../../shared/time';
import type { TruongAnDb } from '../../db/database';
import { classesOfSchoolYear, listActivityTypes, listUnits } from '../../db/repositories/attendance-view';
import { peopleOfSchool } from '../../db/repositories/people';
import { parseEntityRows } from '../../db/validate';
import { unitsAbove } from '../attendance/scope';

/**
 * A unit the user may plan sessions for, mirroring the server's canPlanFor: a principal their school, an officer
 * every unit of their subtree on the device, an admin every unit. The client only hides; the server decides.
 */
export interface PlanningTarget {
  unit: Unit;
  /** A school: sessions are held there. Any other unit: a unit-wide session (schoolId null) for every school under it. */
  isSchool: boolean;
}

/** Whether `unitId` lies in the subtree of `rootId` (the management tree or, for a cluster, its member schools). */
export function inSubtree(unitId: string, rootId: string, byId: ReadonlyMap<string, Unit>): boolean {
  return unitId === rootId || unitsAbove(unitId, byId).includes(rootId);
}

export function planningTargets(grants: readonly RoleGrant[], units: readonly Unit[]): PlanningTarget[] {
  const byId = new Map(units.map((u) => [u.id, u]));
  const out = new Map<string, PlanningTarget>();
  const add = (unit: Unit): void => {
    if (unit.status === 'active' && !out.has(unit.id)) out.set(unit.id, { unit, isSchool: unit.kind === 'school' });
  };
  for (const grant of grants) {
    if (grant.role === 'admin') units.forEach(add);
    if (grant.role === 'principal') {
      const school = byId.get(grant.unitId);
      if (school?.kind === 'school') add(school);
    }
    if (grant.role === 'officer') {
      for (const unit of units) if (inSubtree(unit.id, grant.unitId, byId)) add(unit);
    }
  }
  // Wider units first (the department, then communes and clusters), schools last, each by name.
  const rank = (t: PlanningTarget) => (t.isSchool ? 2 : t.unit.kind === 'department' ? 0 : 1);
  return [...out.values()].sort((a, b) => rank(a) - rank(b) || a.unit.name.localeCompare(b.unit.name, 'vi'));
}

/** Whether the user may edit or cancel a session (the same rule as planning for the session's unit). */
export function canPlanSession(
  session: Pick<Session, 'schoolId' | 'scopeUnitId'>,
  grants: readonly RoleGrant[],
  units: readonly Unit[],
): boolean {
  const unitId = session.schoolId ?? session.scopeUnitId;
  const byId = new Map(units.map((u) => [u.id, u]));
  return grants.some((g) => {
    if (g.role === 'admin') return true;
    if (g.role === 'principal') return session.schoolId !== null && g.unitId === session.schoolId;
    if (g.role === 'officer') return inSubtree(unitId, g.unitId, byId);
    return false;
  });
}

/** Officers and admins keep the activity types and the plan's requirements. */
export function canKeepRequirements(grants: readonly RoleGrant[]): boolean {
  return grants.some((g) => g.role === 'officer' || g.role === 'admin');
}

/** The units whose requirements and activity types the user may change: their officer or admin grants' units. */
export function ownerUnitsOf(grants: readonly RoleGrant[], units: readonly Unit[]): Unit[] {
  const byId = new Map(units.map((u) => [u.id, u]));
  const out = new Map<string, Unit>();
  for (const grant of grants) {
    if (grant.role === 'admin') for (const u of units) if (u.kind !== 'school') out.set(u.id, u);
    if (grant.role === 'officer') {
      for (const u of units) if (u.kind !== 'school' && inSubtree(u.id, grant.unitId, byId)) out.set(u.id, u);
    }
  }
  return [...out.values()].sort((a, b) => a.name.localeCompare(b.name, 'vi'));
}

export async function listSchoolYears(db: TruongAnDb): Promise<SchoolYear[]> {
  return parseEntityRows('schoolYear', await db.entity('schoolYear').toArray()).rows.sort((a, b) =>
    a.startDate.localeCompare(b.startDate),
  );
}

export async function listRequirements(db: TruongAnDb, schoolYearId?: string): Promise<Requirement[]> {
  const table = db.entity('requirement');
  const rows = schoolYearId ? await table.where('schoolYearId').equals(schoolYearId).toArray() : await table.toArray();
  return parseEntityRows('requirement', rows).rows.sort((a, b) => a.title.localeCompare(b.title, 'vi'));
}

/**
 * The school year a planner works in by default: the one under way today, else the next to start, else the latest.
 */
export function currentSchoolYear(years: readonly SchoolYear[], now: Date): SchoolYear | null {
  const today = hanoiDate(now);
  const sorted = [...years].sort((a, b) => a.startDate.localeCompare(b.startDate));
  return (
    sorted.find((y) => y.startDate <= today && today <= y.endDate) ??
    sorted.find((y) => y.startDate > today) ??
    sorted[sorted.length - 1] ??
    null
  );
}

/** The school year a date falls in, if any. */
export function schoolYearOn(years: readonly SchoolYear[], date: string): SchoolYear | null {
  return years.find((y) => y.startDate <= date && date <= y.endDate) ?? null;
}

export interface PlanningBase {
  units: Unit[];
  years: SchoolYear[];
  activityTypes: ActivityType[];
}

export async function loadPlanningBase(db: TruongAnDb): Promise<PlanningBase> {
  const [units, years, activityTypes] = await Promise.all([listUnits(db), listSchoolYears(db), listActivityTypes(db)]);
  return { units, years, activityTypes: activityTypes.sort((a, b) => a.name.localeCompare(b.name, 'vi')) };
}

/** What the audience picker and the facilitator list of a school session are built from. */
export interface SchoolPeopleChoices {
  classes: Class[];
  staff: Person[];
}

export async function schoolChoices(db: TruongAnDb, schoolId: string, schoolYearId: string): Promise<SchoolPeopleChoices> {
  const [classes, staff] = await Promise.all([
    classesOfSchoolYear(schoolId, schoolYearId, db),
    peopleOfSchool(schoolId, { kind: 'staff' }, db),
  ]);
  return {
    classes: classes
      .filter((c) => c.status === 'active')
      .sort((a, b) => a.grade - b.grade || a.name.localeCompare(b.name, 'vi', { numeric: true })),
    staff,
  };
}
