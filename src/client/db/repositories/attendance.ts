import Dexie from 'dexie';
import type { Attendance } from '../../../shared/domain';
import { getDb, type TruongAnDb } from '../database';
import { parseEntityRow, parseEntityRows } from '../validate';

/** The marks of one session, keyed by person, for an attendance sheet. */
export async function attendanceOfSession(
  sessionId: string,
  db: TruongAnDb = getDb(),
): Promise<Map<string, Attendance>> {
  return readSessionMarks(sessionId, db, (raw) => parseEntityRow('attendance', raw));
}

/**
 * The rows of one session, read by a range of the primary key [sessionId+personId]: a live query over a range of the
 * primary key is watched as one range, where a query on the sessionId index makes Dexie watch each of the 2,000 row
 * keys it returned, on every re-run.
 */
async function readSessionMarks(
  sessionId: string,
  db: TruongAnDb,
  parse: (raw: unknown) => Attendance | null,
): Promise<Map<string, Attendance>> {
  const raw = await db
    .entity('attendance')
    .where(':id')
    .between([sessionId, Dexie.minKey], [sessionId, Dexie.maxKey], true, true)
    .toArray();
  const marks = new Map<string, Attendance>();
  for (const row of raw) {
    const parsed = parse(row);
    if (parsed) marks.set(parsed.personId, parsed);
  }
  return marks;
}

const ATTENDANCE_FIELDS = ['id', 'schoolId', 'sessionId', 'personId', 'status', 'note', 'markedBy', 'markedAt'] as const;

/**
 * A reader of one sheet's marks for a live query that re-runs after every tap: a row read back exactly as it was
 * when it last passed the schema (every field the same value, nothing added) is that validated row again, so only
 * the rows that changed are parsed. Rows from IndexedDB stay untrusted: any difference means a full parse.
 */
export function sessionMarksReader(): (sessionId: string, db?: TruongAnDb) => Promise<Map<string, Attendance>> {
  let known = new Map<string, Attendance>();
  return async (sessionId, db = getDb()) => {
    const previous = known;
    const marks = await readSessionMarks(sessionId, db, (raw) => {
      const row = raw as Record<string, unknown>;
      const last = typeof row.personId === 'string' ? previous.get(row.personId) : undefined;
      if (last && sameAsValidated(row, last)) return last;
      return parseEntityRow('attendance', raw);
    });
    known = marks;
    return marks;
  };
}

function sameAsValidated(row: Record<string, unknown>, valid: Attendance): boolean {
  let fields = 0;
  for (const key in row) {
    if (!Object.prototype.hasOwnProperty.call(row, key)) continue;
    fields += 1;
    if (!(ATTENDANCE_FIELDS as readonly string[]).includes(key) || row[key] !== valid[key as keyof Attendance]) return false;
  }
  return fields === ATTENDANCE_FIELDS.length;
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
