import type { Class, Person } from './people';
import type { AttendanceStatus, Attendance } from './records';
import type { SessionAudience } from './activities';

export interface RosterGroup {
  /** A class id, or 'staff' / 'parents' for the non-class groups. */
  key: string;
  label: string;
  people: Person[];
}

/**
 * Who a session expects, grouped as a teacher walks the yard: each class of the audience (by the classes named
 * and the grades named), then staff (or only the youth-education staff), then the parents of the students in
 * scope. Only active people, in the order of a Vietnamese class list.
 */
export function sessionRoster(
  audience: SessionAudience,
  schoolId: string,
  classes: Class[],
  persons: Person[],
): RosterGroup[] {
  const collator = new Intl.Collator('vi');
  // compareVietnameseNames with each given name worked out once, not on each of a whole school's ~25,000 comparisons.
  const givenNames = new Map<string, string>();
  const givenOf = (fullName: string): string => {
    let given = givenNames.get(fullName);
    if (given === undefined) givenNames.set(fullName, (given = givenName(fullName)));
    return given;
  };
  const byName = (a: Person, b: Person) =>
    collator.compare(givenOf(a.fullName), givenOf(b.fullName)) || collator.compare(a.fullName, b.fullName);
  const active = persons.filter((p) => p.schoolId === schoolId && p.status === 'active');
  const wantedClasses = classes
    .filter(
      (c) =>
        c.schoolId === schoolId &&
        c.status === 'active' &&
        (audience.classIds.includes(c.id) || audience.grades.includes(c.grade)),
    )
    .sort((a, b) => a.grade - b.grade || collator.compare(a.name, b.name));
  const groups: RosterGroup[] = [];
  const studentIds = new Set<string>();
  for (const c of wantedClasses) {
    const students = active.filter((p) => p.kind === 'student' && p.classId === c.id).sort(byName);
    for (const s of students) studentIds.add(s.id);
    groups.push({ key: c.id, label: c.name, people: students });
  }
  if (audience.staff) {
    const staff = active
      .filter((p) => p.kind === 'staff' && (!audience.youthStaffOnly || p.roleTags.includes('youth_leader')))
      .sort(byName);
    groups.push({ key: 'staff', label: 'staff', people: staff });
  }
  if (audience.parents) {
    const parents = active
      .filter((p) => p.kind === 'parent' && p.studentIds.some((id) => studentIds.has(id) || wantedClasses.length === 0))
      .sort(byName);
    groups.push({ key: 'parents', label: 'parents', people: parents });
  }
  // People named one by one (a make-up session), unless a group above already lists them.
  const named = new Set(audience.personIds ?? []);
  if (named.size > 0) {
    const listed = new Set(groups.flatMap((g) => g.people.map((p) => p.id)));
    const people = active.filter((p) => named.has(p.id) && !listed.has(p.id)).sort(byName);
    if (people.length > 0) groups.push({ key: 'people', label: 'people', people });
  }
  return groups;
}

export interface AttendanceCounts {
  total: number;
  marked: number;
  /** Present or late: at the session. */
  attended: number;
  byStatus: Record<AttendanceStatus, number>;
}

/** Live counts for a roster group or a whole session: who is there out of who is expected. */
export function countAttendance(people: Person[], marks: Map<string, Pick<Attendance, 'status'>>): AttendanceCounts {
  const byStatus: Record<AttendanceStatus, number> = { present: 0, late: 0, excused: 0, absent: 0 };
  let marked = 0;
  for (const p of people) {
    const m = marks.get(p.id);
    if (!m) continue;
    marked++;
    byStatus[m.status]++;
  }
  return { total: people.length, marked, attended: byStatus.present + byStatus.late, byStatus };
}

/** Vietnamese class lists sort by given name (the last word), then by the whole name: "Nguyễn Văn An" before "Lê Bình". */
export function compareVietnameseNames(collator: Intl.Collator, a: string, b: string): number {
  return collator.compare(givenName(a), givenName(b)) || collator.compare(a, b);
}

/** The given name of a Vietnamese full name: its last word. */
function givenName(fullName: string): string {
  return fullName.trim().split(/\s+/).pop() ?? '';
}
