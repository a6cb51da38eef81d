import type { ActivityType, Class, Person, Session, SessionAudience, Unit } from '../../../shared/domain';
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
 * What one session's roster is built from at one school, reading only the people its audience can list: the
 * students of the classes it names (and of the classes of the grades it names) by the `classId` index, the staff or
 * the parents by `[schoolId+kind]` only when the audience asks for them, and the people it names one by one. A
 * 45-student class session reads its 45 rows, not the school's 2,000, which rosterSource reads and sorts.
 * `sessionRoster` over this gives the same groups, in the same order, as over rosterSource: the people come in the
 * order of the `schoolId` index (by id), so that two people with the same name keep their order.
 */
export async function audienceRosterSource(
  schoolId: string,
  schoolYearId: string,
  audience: SessionAudience,
  db: TruongAnDb = getDb(),
): Promise<{ classes: Class[]; persons: Person[] }> {
  const classes = await classesOfSchoolYear(schoolId, schoolYearId, db);
  // The same classes sessionRoster lists; students of any other class would be read only to be dropped.
  const classIds = classes
    .filter(
      (c) =>
        c.schoolId === schoolId &&
        c.status === 'active' &&
        (audience.classIds.includes(c.id) || audience.grades.includes(c.grade)),
    )
    .map((c) => c.id);
  const table = db.entity('person');
  const kinds: ('staff' | 'parent')[] = [];
  if (audience.staff) kinds.push('staff');
  if (audience.parents) kinds.push('parent');
  const named = audience.personIds ?? [];
  // One `equals` per class and per kind rather than one `anyOf`: Dexie reads an `anyOf` with a cursor, one row per
  // request, where `equals` reads the whole range in one getAll (a whole-school drill names every class).
  const reads = await Promise.all([
    ...classIds.map((classId) => table.where('classId').equals(classId).toArray()),
    ...kinds.map((kind) => table.where('[schoolId+kind]').equals([schoolId, kind]).toArray()),
    named.length > 0 ? table.bulkGet([...named]) : [],
  ]);
  // A person read twice (a named student of a listed class) must be listed once.
  const byId = new Map<string, unknown>();
  for (const row of reads.flat()) {
    const id = (row as { id?: unknown } | undefined)?.id;
    if (typeof id === 'string' && !byId.has(id)) byId.set(id, row);
  }
  const rows = [...byId.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
  const persons = parseEntityRows('person', rows).rows.filter((p) => p.schoolId === schoolId && p.status === 'active');
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
