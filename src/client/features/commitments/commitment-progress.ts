import type { Commitment, Person } from '../../../shared/domain';
import { commitmentKindsFor, type CommitmentKind } from '../../../shared/domain/commitments';
import type { SchoolLevel } from '../../../shared/domain/org';
import type { RosterGroup } from '../../../shared/domain/roster';

export const commitmentKey = (personId: string, kind: CommitmentKind): string => `${personId}|${kind}`;

/** The signed commitments by person and kind (there is at most one: the server keeps the first). */
export function indexCommitments(list: readonly Commitment[]): Map<string, Commitment> {
  const out = new Map<string, Commitment>();
  for (const c of list) {
    const key = commitmentKey(c.personId, c.kind);
    const held = out.get(key);
    if (!held || c.signedAt < held.signedAt) out.set(key, c);
  }
  return out;
}

export interface ClassCommitments {
  key: string;
  label: string;
  people: Person[];
  /** Commitments owed in the class (people × their kinds). */
  total: number;
  signed: number;
}

/**
 * The classes of the session's audience with what their students owe and how much is signed. Staff and parents'
 * groups carry no commitment of their own (see commitmentKindsFor) and are left out.
 */
export function classProgress(
  groups: readonly RosterGroup[],
  schoolLevel: SchoolLevel | null,
  signed: ReadonlyMap<string, Commitment>,
): ClassCommitments[] {
  const out: ClassCommitments[] = [];
  for (const g of groups) {
    if (g.key === 'staff' || g.key === 'parents') continue;
    let total = 0;
    let done = 0;
    for (const p of g.people) {
      for (const kind of commitmentKindsFor(schoolLevel, p)) {
        total++;
        if (signed.has(commitmentKey(p.id, kind))) done++;
      }
    }
    out.push({ key: g.key, label: g.label, people: g.people, total, signed: done });
  }
  return out;
}

/** The kinds a person still owes, in the order they are asked for. */
export function unsignedKinds(
  person: Person,
  schoolLevel: SchoolLevel | null,
  signed: ReadonlyMap<string, Commitment>,
): CommitmentKind[] {
  return commitmentKindsFor(schoolLevel, person).filter((k) => !signed.has(commitmentKey(person.id, k)));
}

/** The index of the next person after `from` (wrapping) who still owes something, or null when all is signed. */
export function nextUnsigned(
  people: readonly Person[],
  from: number,
  schoolLevel: SchoolLevel | null,
  signed: ReadonlyMap<string, Commitment>,
): number | null {
  for (let step = 1; step <= people.length; step++) {
    const i = (from + step) % people.length;
    if (unsignedKinds(people[i]!, schoolLevel, signed).length > 0) return i;
  }
  return null;
}

/** The parents on the device who are linked to a student: who may sign the parent's commitment. */
export function parentsOf(student: Person, persons: readonly Person[]): Person[] {
  return persons.filter((p) => p.kind === 'parent' && p.status === 'active' && p.studentIds.includes(student.id));
}
