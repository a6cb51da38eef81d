import type { RoleGrant } from '../../../shared/auth';
import type { Session, Unit } from '../../../shared/domain';
import { unitsAbove } from '../../../shared/domain/org-tree';

// Callers across the client find the tree walk here with the other scope rules.
export { unitsAbove };

/** A school whose sessions the user works with, and the units whose unit-wide sessions it joins. */
export interface SchoolScope {
  schoolId: string;
  schoolName: string | null;
  /** The school's ancestors in the management tree, its cluster and the cluster's ancestors. */
  unitIds: string[];
}

/**
 * The schools a user takes attendance at: the school of each teacher or principal grant, and the schools on the
 * device under any other grant (an officer's device usually holds none; school data reaches officers online).
 */
export function schoolsOfUser(grants: readonly RoleGrant[], units: readonly Unit[]): SchoolScope[] {
  const byId = new Map(units.map((u) => [u.id, u]));
  const schools = new Map<string, SchoolScope>();
  const add = (schoolId: string, fallbackName: string | null): void => {
    if (schools.has(schoolId)) return;
    schools.set(schoolId, {
      schoolId,
      schoolName: byId.get(schoolId)?.name ?? fallbackName,
      unitIds: unitsAbove(schoolId, byId),
    });
  };
  for (const grant of grants) {
    const unit = byId.get(grant.unitId);
    if (grant.role === 'teacher' || grant.role === 'principal') {
      // A school grant counts even before the school's unit row has been pulled: its own sessions still show.
      if (!unit || unit.kind === 'school') add(grant.unitId, grant.unitName);
      continue;
    }
    for (const candidate of units) {
      if (candidate.kind === 'school' && unitsAbove(candidate.id, byId).includes(grant.unitId)) add(candidate.id, null);
    }
  }
  return [...schools.values()];
}

/** Whether a session is held at a school: its own, or a unit-wide one planned for a unit above it. */
export function sessionConcernsSchool(session: Session, school: SchoolScope): boolean {
  if (session.schoolId !== null) return session.schoolId === school.schoolId;
  return school.unitIds.includes(session.scopeUnitId);
}

/**
 * The school whose roster a session's attendance sheet shows: the session's own school, else the school asked for
 * (a unit-wide session opened from one school's list), else the first of the user's schools it concerns.
 */
export function rosterSchoolOf(
  session: Session,
  schools: readonly SchoolScope[],
  requested: string | null,
): string | null {
  if (session.schoolId !== null) return session.schoolId;
  const concerned = schools.filter((s) => sessionConcernsSchool(session, s));
  return concerned.find((s) => s.schoolId === requested)?.schoolId ?? concerned[0]?.schoolId ?? null;
}
