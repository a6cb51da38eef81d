import type { Attendance } from '../../../shared/domain';
import { getDb, type TruongAnDb } from '../database';
import { parseEntityRow, parseEntityRows } from '../validate';

/** The marks of one session, keyed by person, for an attendance sheet. */
export async function attendanceOfSession(
  sessionId: string,
  db: TruongAnDb = getDb(),
): Promise<Map<string, Attendance>> {
  const { rows } = parseEntityRows('attendance', await db.entity('attendance').where('sessionId').equals(sessionId).toArray());
  return new Map(rows.map((row) => [row.personId, row]));
}

export async function attendanceOf(
  sessionId: string,
  personId: string,
  db: TruongAnDb = getDb(),
): Promise<Attendance | null> {
  const row = await db.entity('attendance').get([sessionId, personId]);
  return row ? parseEntityRow('attendance', row) : null;
}

export async function attendanceOfPerson(personId: string, db: TruongAnDb = getDb()): Promise<Attendance[]> {
  return parseEntityRows('attendance', await db.entity('attendance').where('personId').equals(personId).toArray()).rows;
}
