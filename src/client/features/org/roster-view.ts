import type { RoleGrant } from '../../../shared/auth';
import type { Class, Consent, ConsentKind, Person, PersonKind } from '../../../shared/domain';
import { captureDecision, childConsentRequired, type CaptureDecision } from '../../../shared/domain/consent';
import type { LocalDate } from '../../../shared/time';
import { nameMatches, searchKey } from '../attendance/search';

/** The school whose roster this user keeps or reads on the device: their principal grant first, then teacher. */
export function rosterSchoolOf(grants: readonly RoleGrant[]): { schoolId: string; manages: boolean } | null {
  const principal = grants.find((g) => g.role === 'principal');
  if (principal) return { schoolId: principal.unitId, manages: true };
  const teacher = grants.find((g) => g.role === 'teacher');
  return teacher ? { schoolId: teacher.unitId, manages: false } : null;
}

export interface RosterFilter {
  kind: PersonKind;
  /** A class id, or null for every class. */
  classId: string | null;
  query: string;
  includeLeft: boolean;
}

/** The people the page lists for a filter, in Vietnamese name order (the repository sorts already). */
export function filterRoster(people: readonly Person[], filter: RosterFilter): Person[] {
  return people.filter(
    (p) =>
      p.kind === filter.kind &&
      (filter.includeLeft || p.status === 'active') &&
      (filter.kind !== 'student' || filter.classId === null || p.classId === filter.classId) &&
      (filter.query.trim() === '' || nameMatches(searchKey(`${p.fullName} ${p.code ?? ''}`), filter.query)),
  );
}

/** Classes in grade then name order ("5A2" before "5A10" thanks to numeric collation). */
export function sortClasses(classes: readonly Class[]): Class[] {
  const collator = new Intl.Collator('vi', { numeric: true });
  return [...classes].sort((a, b) => a.grade - b.grade || collator.compare(a.name, b.name));
}

/** The consent state the roster shows for a student and kind. */
export function consentState(person: Person, kind: ConsentKind, consents: readonly Consent[], today: LocalDate): CaptureDecision {
  return captureDecision(person, kind, consents, today);
}

/** Whether the consent form must ask the child: 7 or more this year, or age unknown. */
export function asksChild(person: Pick<Person, 'birthYear'>, today: LocalDate): boolean {
  return childConsentRequired(person.birthYear, today);
}

/** The link changes that turn a parent's current students into the chosen ones. */
export function linkChanges(current: readonly string[], chosen: readonly string[]): { link: string[]; unlink: string[] } {
  const before = new Set(current);
  const after = new Set(chosen);
  return { link: [...after].filter((s) => !before.has(s)), unlink: [...before].filter((s) => !after.has(s)) };
}
