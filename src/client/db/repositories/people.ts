import type { Person, PersonKind } from '../../../shared/domain';
import { getDb, type TruongAnDb } from '../database';
import { parseEntityRow, parseEntityRows } from '../validate';

// One collator for every comparison: localeCompare(…, 'vi') looks a collator up on each call, and a school's
// 2,000 names take some 25,000 comparisons. Same order as localeCompare with the same locale.
const collator = new Intl.Collator('vi');
const byName = (a: Person, b: Person): number => collator.compare(a.fullName, b.fullName);

export async function getPerson(id: string, db: TruongAnDb = getDb()): Promise<Person | null> {
  const row = await db.entity('person').get(id);
  return row ? parseEntityRow('person', row) : null;
}

/** A school's people, optionally of one kind, enrolled ones only unless asked, sorted by Vietnamese name order. */
export async function peopleOfSchool(
  schoolId: string,
  options: { kind?: PersonKind; includeLeft?: boolean } = {},
  db: TruongAnDb = getDb(),
): Promise<Person[]> {
  const table = db.entity('person');
  const raw = options.kind
    ? await table.where('[schoolId+kind]').equals([schoolId, options.kind]).toArray()
    : await table.where('schoolId').equals(schoolId).toArray();
  return parseEntityRows('person', raw)
    .rows.filter((p) => options.includeLeft || p.status === 'active')
    .sort(byName);
}

export async function studentsOfClass(classId: string, db: TruongAnDb = getDb()): Promise<Person[]> {
  return parseEntityRows('person', await db.entity('person').where('classId').equals(classId).toArray())
    .rows.filter((p) => p.kind === 'student' && p.status === 'active')
    .sort(byName);
}
