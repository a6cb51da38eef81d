import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Class, Person, SessionAudience } from '../../../../src/shared/domain';
import { sessionRoster } from '../../../../src/shared/domain/roster';
import { isInAudience } from '../../../../src/shared/domain/audience';
import { CommitmentSignArgsSchema, commitmentKindsFor, signerOf } from '../../../../src/shared/domain/commitments';
import { findDisagreements, type HistoryMark } from '../../../../src/shared/domain/disagreements';

const school = randomUUID();
const year = randomUUID();
const klass = (grade: number, name: string): Class => ({ id: randomUUID(), schoolId: school, schoolYearId: year, grade, name, code: null, homeroomPersonId: null, status: 'active' });
const person = (kind: Person['kind'], name: string, over: Partial<Person> = {}): Person => ({
  id: randomUUID(),
  schoolId: school,
  kind,
  fullName: name,
  code: null,
  birthYear: null,
  sex: null,
  classId: null,
  roleTags: [],
  studentIds: [],
  status: 'active',
  joinedOn: null,
  leftOn: null,
  ...over,
});

describe('commitment kinds by school level', () => {
  const student = { kind: 'student' as const };
  it('asks parents of MN/TH/THCS for the helmet, of THPT for no motorbike, and students from primary up for their own', () => {
    expect(commitmentKindsFor('mn', student)).toEqual(['parent_helmet']);
    expect(commitmentKindsFor('th', student)).toEqual(['parent_helmet', 'student_traffic']);
    expect(commitmentKindsFor('thcs', student)).toEqual(['parent_helmet', 'student_traffic']);
    expect(commitmentKindsFor('thpt', student)).toEqual(['parent_no_motorbike', 'student_traffic']);
    expect(commitmentKindsFor('thpt', { kind: 'staff' })).toEqual([]);
    expect(commitmentKindsFor('th', { kind: 'parent' })).toEqual([]);
    expect(signerOf('parent_helmet')).toBe('parent');
    expect(signerOf('student_traffic')).toBe('self');
  });

  it('checks the sign arguments: signer of the kind, an image for a signature, none for paper', () => {
    const base = {
      id: randomUUID(),
      personId: randomUUID(),
      kind: 'parent_helmet',
      schoolYearId: randomUUID(),
      signedBy: 'parent',
      method: 'paper',
      signedAt: new Date().toISOString(),
      deviceId: 'device-1',
    };
    expect(CommitmentSignArgsSchema.safeParse(base).success).toBe(true);
    const paths = (v: unknown) => (CommitmentSignArgsSchema.safeParse(v).error?.issues ?? []).map((i) => i.path.join('.'));
    expect(paths({ ...base, signedBy: 'self' })).toEqual(['signedBy']);
    // A parent may sign a pupil's own commitment on the child's behalf.
    expect(paths({ ...base, kind: 'student_traffic', signedBy: 'parent' })).toEqual([]);
    expect(paths({ ...base, kind: 'student_traffic', signedBy: 'self' })).toEqual([]);
    expect(paths({ ...base, method: 'signature' })).toEqual(['signatureHash']);
    expect(paths({ ...base, signatureHash: 'a'.repeat(64) })).toEqual(['signatureHash']);
    expect(paths({ ...base, signatureHash: 'XYZ', method: 'signature' })).toEqual(['signatureHash']);
  });
});

describe('audience membership', () => {
  const c6a = klass(6, '6A');
  const c6b = klass(6, '6B');
  const c7a = klass(7, '7A');
  const classes = [c6a, c6b, c7a];
  const s1 = person('student', 'An', { classId: c6a.id });
  const s2 = person('student', 'Bình', { classId: c6b.id });
  const s3 = person('student', 'Cường', { classId: c7a.id });
  const teacher = person('staff', 'Hoa', { roleTags: ['teacher'] });
  const youth = person('staff', 'Dũng', { roleTags: ['youth_leader'] });
  const p1 = person('parent', 'Mẹ An', { studentIds: [s1.id] });
  const p3 = person('parent', 'Bố Cường', { studentIds: [s3.id] });
  const everyone = [s1, s2, s3, teacher, youth, p1, p3];
  const grade = (id: string) => classes.find((c) => c.id === id)?.grade;
  const candidate = (p: Person) => ({
    ...p,
    childClassIds: p.studentIds.map((id) => everyone.find((x) => x.id === id)?.classId ?? null),
  });

  const audiences: SessionAudience[] = [
    { classIds: [c6a.id], grades: [], staff: false, youthStaffOnly: false, parents: false },
    { classIds: [], grades: [6], staff: true, youthStaffOnly: false, parents: true },
    { classIds: [c7a.id], grades: [], staff: true, youthStaffOnly: true, parents: true },
    { classIds: [], grades: [], staff: false, youthStaffOnly: false, parents: true },
    { classIds: [], grades: [], staff: true, youthStaffOnly: false, parents: false },
  ];
  it.each(audiences.map((a, i) => [i, a] as const))('agrees with the roster the device lists (audience %i)', (_i, audience) => {
    const listed = new Set(sessionRoster(audience, school, classes, everyone).flatMap((g) => g.people.map((p) => p.id)));
    for (const p of everyone) {
      expect(isInAudience(audience, candidate(p), grade), `${p.fullName}`).toBe(listed.has(p.id));
    }
  });
});

describe('disagreements between devices', () => {
  const mark = (personId: string, status: HistoryMark['status'], clientId: string, s: number): HistoryMark => ({
    personId,
    status,
    note: null,
    markedBy: clientId,
    markedAt: new Date(Date.UTC(2025, 9, 1, 1, 0, s)).toISOString(),
    clientId,
    receivedAt: new Date(Date.UTC(2025, 9, 1, 2, 0, s)).toISOString(),
  });
  it('lists people whose devices\' latest marks differ, not one device correcting itself nor devices that agree', () => {
    const found = findDisagreements([
      mark('a', 'present', 'tab-1', 1),
      mark('a', 'absent', 'tab-2', 2),
      mark('b', 'absent', 'tab-1', 1),
      mark('b', 'present', 'tab-1', 2),
      mark('c', 'present', 'tab-1', 1),
      mark('c', 'present', 'tab-2', 3),
      // Devices that disagreed and then agreed: tab-2 corrected itself to match.
      mark('d', 'late', 'tab-1', 1),
      mark('d', 'absent', 'tab-2', 2),
      mark('d', 'late', 'tab-2', 3),
    ]);
    expect([...found.keys()]).toEqual(['a']);
    expect(found.get('a')!.map((m) => m.status)).toEqual(['present', 'absent']);
  });
});
