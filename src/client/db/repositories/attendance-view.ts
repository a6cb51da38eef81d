import type { ActivityType, Class, Person, Session, Unit } from '../../../shared/domain';
import { getDb, type TruongAnDb } from '../database';
import { parseEntityRows } from '../validate';
import { peopleOfSchool } from './people';

/** Every unit on the device (the user's school, the units above it, the cluster): to place sessions in the tree. */
export async function listUnits(db: TruongAnDb = getDb()): Promise<Unit[]> {
  return parseEntityRows('unit', await db.entity('unit').toArray()).rows;
}

export async function listActivityTypes(db: TruongAnDb = getDb()): Promise<ActivityType[]> {
  return parseEntityRows('activityType', await db.entity('activityType').toArray()).rows;
}

/**
 * Sessions a trainer leads, wherever they are held. Sessions are few (hundreds on a device) and have no index on
 * the trainer, so a scan is cheaper than a schema version for it.
 */
export async function sessionsOfTrainer(userId: string, db: TruongAnDb = getDb()): Promise<Session[]> {
  const rows = await db
    .entity('session')
    .filter((s) => s.trainerUserId === userId)
    .toArray();
  return parseEntityRows('session', rows).rows.sort((a, b) => a.startsAt.localeCompare(b.startsAt));
}

/** The classes of a school in one school year, open or closed (the roster keeps only open ones). */
export async function classesOfSchoolYear(
  schoolId: string,
  schoolYearId: string,
  db: TruongAnDb = getDb(),
): Promise<Class[]> {
  const rows = await db.entity('class').where('[schoolId+schoolYearId]').equals([schoolId, schoolYearId]).toArray();
  return parseEntityRows('class', rows).rows;
}

/** What a session's roster is built from at one school: its classes of the session's year and its people. */
export async function rosterSource(
  schoolId: string,
  schoolYearId: string,
  db: TruongAnDb = getDb(),
): Promise<{ classes: Class[]; persons: Person[] }> {
  const [classes, persons] = await Promise.all([
    classesOfSchoolYear(schoolId, schoolYearId, db),
    peopleOfSchool(schoolId, {}, db),
  ]);
  return { classes, persons };
}

/**
 * Who has a mark in each of the given sessions, by person id. Reads only the index's keys, not the rows, so that a
 * list of sessions with thousands of marks each stays quick.
 */
export async function markedPeopleOfSessions(
  sessionIds: readonly string[],
  db: TruongAnDb = getDb(),
): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>(sessionIds.map((id) => [id, new Set<string>()]));
  if (sessionIds.length === 0) return out;
  const keys = (await db.entity('attendance').where('sessionId').anyOf([...sessionIds]).primaryKeys()) as unknown[];
  for (const key of keys) {
    if (!Array.isArray(key)) continue;
    const [sessionId, personId] = key as unknown[];
    if (typeof sessionId === 'string' && typeof personId === 'string') out.get(sessionId)?.add(personId);
  }
  return out;
}

/**
 * Runs several local changes (each one `mutate`) in ONE Dexie transaction: "Tất cả có mặt" for a class writes its
 * marks and outbox entries together, in one commit instead of one per person, and all or none of them are kept.
 * The scope covers every table a mutation touches (entity rows, outbox, kept-aside server rows, the clock offset).
 */
export function inOneLocalTransaction<T>(fn: () => Promise<T>, db: TruongAnDb = getDb()): Promise<T> {
  return db.transaction('rw', [...db.entityTables(), db.outbox, db.serverRows, db.meta], fn);
}

/** Every class of a school, of every school year: sessions of different years are listed together. */
export async function classesOfSchool(schoolId: string, db: TruongAnDb = getDb()): Promise<Class[]> {
  return parseEntityRows('class', await db.entity('class').where('schoolId').equals(schoolId).toArray()).rows;
}
