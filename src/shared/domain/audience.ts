import type { SessionAudience } from './activities';
import type { Person } from './people';

/** What deciding membership needs to know of a person, beyond the person row itself. */
export interface AudienceCandidate extends Pick<Person, 'kind' | 'classId' | 'roleTags'> {
  /** The person's id: an audience may name people one by one (`SessionAudience.personIds`). */
  id?: string;
  /** For parents: one entry per child at the school, the child's class (null: none). Empty otherwise. */
  childClassIds: readonly (string | null)[];
}

/**
 * Whether a person of the session's school is expected by its audience. The same rule as `sessionRoster` (which
 * lists the roster on the device), one person at a time, so the server can refuse a mark for someone the roster
 * would never show: students of the classes named or of the grades named, staff (or only youth-education staff),
 * parents of those students (of any student when no class or grade is named).
 * `gradeOf` answers a class's grade, or undefined for a class it does not know (then the class does not match).
 */
export function isInAudience(
  audience: SessionAudience,
  person: AudienceCandidate,
  gradeOf: (classId: string) => number | undefined,
): boolean {
  const classWanted = (classId: string | null): boolean => {
    if (classId === null) return false;
    if (audience.classIds.includes(classId)) return true;
    const grade = gradeOf(classId);
    return grade !== undefined && audience.grades.includes(grade);
  };
  if (person.id !== undefined && audience.personIds?.includes(person.id)) return true;
  switch (person.kind) {
    case 'student':
      return classWanted(person.classId);
    case 'staff':
      return audience.staff && (!audience.youthStaffOnly || person.roleTags.includes('youth_leader'));
    case 'parent': {
      if (!audience.parents) return false;
      const anyClassNamed = audience.classIds.length > 0 || audience.grades.length > 0;
      return anyClassNamed ? person.childClassIds.some(classWanted) : person.childClassIds.length > 0;
    }
  }
}
