import type { Requirement, SchoolYear, Session } from '../../../shared/domain';
import type { TruongAnDb } from '../../db/database';
import { parseEntityRows } from '../../db/validate';

/**
 * Reads of the plan's reference rows that the calendar, the "what is due" list and the printable plan share. They
 * sit with the feature rather than in db/repositories because only these pages read them so far; like every
 * repository read they go through the shared schema, so a damaged row is skipped, never shown.
 */
export async function listRequirements(db: TruongAnDb): Promise<Requirement[]> {
  return parseEntityRows('requirement', await db.entity('requirement').toArray()).rows;
}

export async function listSchoolYears(db: TruongAnDb): Promise<SchoolYear[]> {
  return parseEntityRows('schoolYear', await db.entity('schoolYear').toArray()).rows;
}

/**
 * Unit-wide sessions (no school of their own) planned for any of `unitIds`: what an officer's device holds of the
 * plan, since it pulls no school's rows.
 */
export async function unitWideSessions(unitIds: readonly string[], db: TruongAnDb): Promise<Session[]> {
  if (unitIds.length === 0) return [];
  const rows = await db.entity('session').where('scopeUnitId').anyOf([...unitIds]).toArray();
  return parseEntityRows('session', rows).rows.filter((s) => s.schoolId === null);
}
