import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TruongAnDb } from '../../../../src/client/db/database';
import { isPending } from '../../../../src/client/db/repositories/outbox';
import { mutateWith, type MutateContext } from '../../../../src/client/sync/mutate';
import { asksChild, consentState, filterRoster, linkChanges, rosterSchoolOf, sortClasses } from '../../../../src/client/features/org/roster-view';
import { treeRows } from '../../../../src/client/features/org/unit-tree';
import { csvOfSheet } from '../../../../src/client/features/org/account-sheet';
import type { Class, Person } from '../../../../src/shared/domain';
import { freshDb, makeSchool, type School } from '../sync/harness';

const NOW = Date.parse('2026-03-10T02:00:00.000Z');

/** Rosters are kept offline: each change is applied to the device database and queued in one go (issue #8 item 3). */
describe('roster changes on the device', () => {
  let db: TruongAnDb;
  let school: School;
  let ctx: MutateContext;
  const principalId = randomUUID();
  const klass = (name: string, grade: number): Class => ({
    id: randomUUID(),
    schoolId: school.schoolId,
    schoolYearId: school.session.schoolYearId,
    grade,
    name,
    code: null,
    homeroomPersonId: null,
    status: 'active',
  });

  beforeEach(async () => {
    db = freshDb();
    school = makeSchool(3);
    await db.entity('person').bulkPut(school.people);
    ctx = { db, userId: principalId, now: () => NOW };
  });
  afterEach(async () => {
    await db.delete();
  });

  it('saves a class and a person, moves a student, links a parent, all waiting to sync', async () => {
    const c = klass('5A2', 5);
    await mutateWith(ctx, 'class.save', c);
    expect(await db.entity('class').get(c.id)).toEqual(c);

    const student = school.people[0]!;
    await mutateWith(ctx, 'person.move', { personId: student.id, classId: c.id });
    expect((await db.entity('person').get(student.id))?.classId).toBe(c.id);

    const parentId = randomUUID();
    await mutateWith(ctx, 'person.save', {
      id: parentId,
      schoolId: school.schoolId,
      kind: 'parent',
      fullName: 'Lê Thị Mẹ',
      code: null,
      birthYear: null,
      sex: 'female',
      classId: null,
      roleTags: [],
      status: 'active',
      joinedOn: null,
      leftOn: null,
    });
    const later = school.people[2]!;
    await mutateWith(ctx, 'person.linkParent', { parentId, studentId: later.id });
    await mutateWith(ctx, 'person.linkParent', { parentId, studentId: student.id });
    expect((await db.entity('person').get(parentId))?.studentIds).toEqual([student.id, later.id].sort());
    await mutateWith(ctx, 'person.unlinkParent', { parentId, studentId: later.id });
    expect((await db.entity('person').get(parentId))?.studentIds).toEqual([student.id]);

    // Saving the parent again keeps its links: they change only through their own mutations.
    await mutateWith(ctx, 'person.save', {
      id: parentId, schoolId: school.schoolId, kind: 'parent', fullName: 'Lê Thị Mẹ (sửa)', code: null, birthYear: null,
      sex: 'female', classId: null, roleTags: [], status: 'active', joinedOn: null, leftOn: null,
    });
    expect(await db.entity('person').get(parentId)).toMatchObject({ fullName: 'Lê Thị Mẹ (sửa)', studentIds: [student.id] });

    expect(await isPending('person', parentId, db)).toBe(true);
    expect(await isPending('class', c.id, db)).toBe(true);
    expect((await db.outbox.toArray()).map((e) => e.name)).toEqual([
      'class.save',
      'person.move',
      'person.save',
      'person.linkParent',
      'person.linkParent',
      'person.unlinkParent',
      'person.save',
    ]);
  });

  it('records a consent for the student\'s school, by the signed-in user, at the device\'s time', async () => {
    const student = school.people[1]!;
    const id = randomUUID();
    await mutateWith(ctx, 'consent.record', { id, personId: student.id, kind: 'signature', childConsent: true, parentConsent: true, note: null });
    const row = await db.entity('consent').get(id);
    expect(row).toEqual({
      id,
      personId: student.id,
      schoolId: school.schoolId,
      kind: 'signature',
      childConsent: true,
      parentConsent: true,
      recordedAt: new Date(NOW).toISOString(),
      recordedBy: principalId,
      note: null,
    });
    expect(consentState(student, 'signature', [row!], '2026-03-10').allowed).toBe(true);
    expect(await isPending('consent', id, db)).toBe(true);
  });

  it('refuses, and writes nothing for, a person of an unknown kind or a student with role tags', async () => {
    await expect(
      mutateWith(ctx, 'person.save', { ...school.people[0]!, roleTags: ['principal'] }),
    ).rejects.toThrow();
    await expect(mutateWith(ctx, 'person.move', { personId: randomUUID(), classId: randomUUID() })).rejects.toThrow();
    expect(await db.outbox.count()).toBe(0);
  });
});

describe('roster view helpers', () => {
  const person = (over: Partial<Person>): Person => ({
    id: randomUUID(), schoolId: 's', kind: 'student', fullName: 'X', code: null, birthYear: 2015, sex: null, classId: null,
    roleTags: [], studentIds: [], status: 'active', joinedOn: null, leftOn: null, ...over,
  });

  it('finds people by name without diacritics, by kind, class and status', () => {
    const a = person({ fullName: 'Nguyễn Văn An', classId: 'c1', code: 'HS01' });
    const b = person({ fullName: 'Trần Thị Bình', classId: 'c2' });
    const left = person({ fullName: 'Nguyễn Văn Cũ', status: 'left' });
    const staff = person({ fullName: 'Nguyễn Thị Cô', kind: 'staff' });
    const all = [a, b, left, staff];
    const f = { kind: 'student' as const, classId: null, query: '', includeLeft: false };
    expect(filterRoster(all, f)).toEqual([a, b]);
    expect(filterRoster(all, { ...f, query: 'nguyen' })).toEqual([a]);
    expect(filterRoster(all, { ...f, query: 'nguyen', includeLeft: true })).toEqual([a, left]);
    expect(filterRoster(all, { ...f, query: 'hs01' })).toEqual([a]);
    expect(filterRoster(all, { ...f, classId: 'c2' })).toEqual([b]);
    expect(filterRoster(all, { ...f, kind: 'staff' })).toEqual([staff]);
  });

  it('sorts classes by grade then name, numbers as numbers', () => {
    const c = (name: string, grade: number) => ({ id: name, schoolId: 's', schoolYearId: 'y', grade, name, code: null, homeroomPersonId: null, status: 'active' as const });
    expect(sortClasses([c('5A10', 5), c('1A', 1), c('5A2', 5)]).map((x) => x.name)).toEqual(['1A', '5A2', '5A10']);
  });

  it('tells which links to add and remove, asks the child from 7, and picks the school from the grants', () => {
    expect(linkChanges(['a', 'b'], ['b', 'c'])).toEqual({ link: ['c'], unlink: ['a'] });
    expect(asksChild({ birthYear: 2020 }, '2026-03-10')).toBe(false);
    expect(asksChild({ birthYear: 2019 }, '2026-03-10')).toBe(true);
    expect(rosterSchoolOf([{ role: 'teacher', unitId: 't', unitName: '' }, { role: 'principal', unitId: 'p', unitName: '' }])).toEqual({ schoolId: 'p', manages: true });
    expect(rosterSchoolOf([{ role: 'teacher', unitId: 't', unitName: '' }])).toEqual({ schoolId: 't', manages: false });
    expect(rosterSchoolOf([{ role: 'officer', unitId: 'o', unitName: '' }])).toBeNull();
  });

  it('draws the unit tree under each parent, and a printable sheet as CSV safe for spreadsheets', () => {
    const u = (id: string, name: string, parentId: string | null) => ({ id, kind: 'commune', name, code: null, parentId, clusterId: null, schoolLevel: null, status: 'active' });
    const rows = treeRows([u('s2', 'Trường B', 'p'), u('p', 'Phường', 'dept'), u('s1', 'Trường A', 'p'), u('dept', 'Sở', null)]);
    expect(rows.map((r) => `${r.depth}:${r.unit.name}`)).toEqual(['0:Sở', '1:Phường', '2:Trường A', '2:Trường B']);
    const csv = csvOfSheet([{ fullName: 'Nguyễn, Văn "A"', username: 'nguyenvana.a', initialPassword: '=abc' }]);
    expect(csv).toBe('\uFEFFHọ và tên,Tên đăng nhập,Mật khẩu ban đầu\r\n"Nguyễn, Văn ""A""",nguyenvana.a,\'=abc\r\n');
  });
});
