import type { Commitment, DrillRecord } from '../../../shared/domain';
import type { Consent } from '../../../shared/domain/consent';
import { getDb, type TruongAnDb } from '../database';
import { parseEntityRows } from '../validate';

/** The commitments of one school and school year (a few thousand at most): the commitment page's progress. */
export async function commitmentsOfSchoolYear(
  schoolId: string,
  schoolYearId: string,
  db: TruongAnDb = getDb(),
): Promise<Commitment[]> {
  const raw = await db.entity('commitment').where('schoolYearId').equals(schoolYearId).toArray();
  return parseEntityRows('commitment', raw).rows.filter((c) => c.schoolId === schoolId);
}

/** The consent answers recorded at a school (photo and signature), for the capture decision. */
export async function consentsOfSchool(schoolId: string, db: TruongAnDb = getDb()): Promise<Consent[]> {
  const raw = await db.entity('consent').where('schoolId').equals(schoolId).toArray();
  return parseEntityRows('consent', raw).rows;
}

/** The drill facts of a session at a school, if the drill was recorded (the minutes print them). */
export async function drillRecordOfSession(
  sessionId: string,
  schoolId: string,
  db: TruongAnDb = getDb(),
): Promise<DrillRecord | null> {
  const raw = await db.entity('drillRecord').where('sessionId').equals(sessionId).toArray();
  return parseEntityRows('drillRecord', raw).rows.find((r) => r.schoolId === schoolId) ?? null;
}
