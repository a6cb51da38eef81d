import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/domain/ids';
import { REJECTION } from '../../../src/server/sync/reasons';
import { ORG_REJECTION } from '../../../src/server/sync/handlers/org-reasons';
import { buildTestApp, signIn } from '../../helpers/app';
import { testDbKinds, type TestDb } from '../../helpers/db';
import { createFixture, type Fixture, type FixtureUser } from '../../helpers/fixtures';
import { FIXTURE_USERS } from '../../helpers/route-catalogue';
import { Device, replay } from './plan-helpers';

/**
 * The roster and consent mutations (issue #8 items 3 and 5): who may push each one, table-driven over every fixture
 * user, and what each does and refuses.
 */

const MANAGERS_A: FixtureUser[] = ['principalA', 'officerCommuneA', 'officerCluster', 'officerDept', 'admin'];
/** Consents are collected in class: the school's teachers record them too. */
const CONSENT_A: FixtureUser[] = ['teacherA', ...MANAGERS_A];

const personArgs = (f: Fixture, extra: Record<string, unknown> = {}) => ({
  id: newId(),
  schoolId: f.schoolA,
  kind: 'student',
  fullName: 'Nguyễn Văn Mới',
  code: null,
  birthYear: 2016,
  sex: 'male',
  classId: f.classes.A,
  roleTags: [],
  status: 'active',
  joinedOn: '2026-01-19',
  leftOn: null,
  ...extra,
});

describe.each(testDbKinds())('roster and consent mutations on $kind', ({ open }) => {
  let db: TestDb;
  let app: FastifyInstance;
  let f: Fixture;
  let parentA: string;
  const devices = new Map<FixtureUser, Device>();
  const device = async (user: FixtureUser) => {
    let d = devices.get(user);
    if (!d) {
      d = new Device(app, await signIn(app, user.toLowerCase()));
      devices.set(user, d);
    }
    return d;
  };

  beforeAll(async () => {
    db = await open();
    f = await createFixture(db.kysely, 3);
    app = await buildTestApp(db);
    const p = personArgs(f, { kind: 'parent', fullName: 'Phạm Thị Mẹ', classId: null, birthYear: null, sex: 'female' });
    parentA = p.id;
    expect(await (await device('principalA')).push([{ name: 'person.save', args: p }])).toMatchObject([{ status: 'applied' }]);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const cases: { name: string; allowed: FixtureUser[]; args: (f: Fixture) => unknown }[] = [
    {
      name: 'class.save',
      allowed: MANAGERS_A,
      args: (f) => ({ id: newId(), schoolId: f.schoolA, schoolYearId: f.schoolYear, grade: 4, name: '4A2', code: null, homeroomPersonId: f.staff.A[1], status: 'active' }),
    },
    { name: 'person.save', allowed: MANAGERS_A, args: (f) => personArgs(f) },
    { name: 'person.move', allowed: MANAGERS_A, args: (f) => ({ personId: f.students.A[0], classId: f.classes.A }) },
    { name: 'person.linkParent', allowed: MANAGERS_A, args: (f) => ({ parentId: parentA, studentId: f.students.A[1] }) },
    { name: 'person.unlinkParent', allowed: MANAGERS_A, args: (f) => ({ parentId: parentA, studentId: f.students.A[2] }) },
    {
      name: 'consent.record',
      allowed: CONSENT_A,
      args: (f) => ({ id: newId(), personId: f.students.A[0], kind: 'photo', childConsent: true, parentConsent: true, note: null }),
    },
  ];

  it.each(cases)('$name at school A is applied for exactly its managers, refused as "not found" for everyone else', async ({ name, allowed, args }) => {
    const got: Record<string, string> = {};
    const want: Record<string, string> = {};
    for (const user of FIXTURE_USERS) {
      const [result] = await (await device(user)).push([{ name, args: args(f) }]);
      got[user] = result!.status === 'applied' ? 'applied' : `rejected: ${result!.error}`;
      want[user] = allowed.includes(user) ? 'applied' : `rejected: ${REJECTION.notFound}`;
    }
    expect(got).toEqual(want);
  });

  it('saves, edits, moves and links people; the school\'s devices receive each change', async () => {
    const principal = await device('principalA');
    const teacher = new Device(app, await signIn(app, 'teachera'));
    await teacher.pull();
    const classId = newId();
    const student = personArgs(f, { fullName: 'Đỗ Minh Khôi' });
    const staff = personArgs(f, { kind: 'staff', fullName: 'Vũ Thị Bí Thư', classId: null, birthYear: 1990, roleTags: ['teacher', 'youth_union_secretary'] });
    expect(
      await principal.push([
        { name: 'class.save', args: { id: classId, schoolId: f.schoolA, schoolYearId: f.schoolYear, grade: 5, name: '5A2', code: null, homeroomPersonId: null, status: 'active' } },
        { name: 'person.save', args: student },
        { name: 'person.save', args: staff },
        { name: 'person.move', args: { personId: student.id, classId } },
        { name: 'person.linkParent', args: { parentId: parentA, studentId: student.id } },
        { name: 'person.save', args: { ...student, fullName: 'Đỗ Minh Khôi (sửa)', classId } },
      ]),
    ).toEqual(Array(6).fill(expect.objectContaining({ status: 'applied' })));
    const changes = await teacher.pull();
    const persons = replay(changes, 'person');
    expect(replay(changes, 'class').get(classId)).toMatchObject({ name: '5A2', schoolId: f.schoolA });
    expect(persons.get(student.id)).toMatchObject({ fullName: 'Đỗ Minh Khôi (sửa)', classId });
    expect(persons.get(staff.id)).toMatchObject({ kind: 'staff', roleTags: ['teacher', 'youth_union_secretary'] });
    expect(persons.get(parentA)?.studentIds).toContain(student.id);

    expect(await principal.push([{ name: 'person.unlinkParent', args: { parentId: parentA, studentId: student.id } }])).toMatchObject([{ status: 'applied' }]);
    expect(replay(await teacher.pull(), 'person').get(parentA)?.studentIds).not.toContain(student.id);
  });

  it('refuses what would break the roster: another school, another kind, a class elsewhere, a link across schools', async () => {
    const officer = await device('officerDept');
    const student = personArgs(f);
    expect(await officer.push([{ name: 'person.save', args: student }])).toMatchObject([{ status: 'applied' }]);
    const results = await officer.push([
      { name: 'person.save', args: { ...student, schoolId: f.schoolB, classId: null } },
      { name: 'person.save', args: { ...student, kind: 'staff', classId: null } },
      { name: 'person.save', args: personArgs(f, { classId: f.classes.B }) },
      { name: 'person.move', args: { personId: student.id, classId: f.classes.B } },
      { name: 'person.move', args: { personId: f.staff.A[0], classId: f.classes.A } },
      { name: 'person.linkParent', args: { parentId: parentA, studentId: f.students.B[0] } },
      { name: 'person.linkParent', args: { parentId: f.students.A[0], studentId: f.students.A[1] } },
      { name: 'class.save', args: { id: newId(), schoolId: f.schoolA, schoolYearId: f.schoolYear, grade: 1, name: '1A', code: null, homeroomPersonId: f.staff.B[0], status: 'active' } },
    ]);
    expect(results.map((r) => r.error)).toEqual([
      ORG_REJECTION.schoolFixed,
      ORG_REJECTION.kindFixed,
      REJECTION.invalidArgs(ORG_REJECTION.classOfOtherSchool),
      REJECTION.invalidArgs(ORG_REJECTION.classOfOtherSchool),
      ORG_REJECTION.notStudent,
      ORG_REJECTION.otherSchool,
      ORG_REJECTION.notParent,
      REJECTION.invalidArgs(ORG_REJECTION.notStaff),
    ]);
    // Rejected by the shared schema before any handler: role tags for a student, a class for a parent.
    const invalid = await officer.push([
      { name: 'person.save', args: personArgs(f, { roleTags: ['principal'] }) },
      { name: 'person.save', args: personArgs(f, { kind: 'parent' }) },
    ]);
    expect(invalid.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(invalid[0]!.error).toContain('roleTags');
    expect(invalid[1]!.error).toContain('classId');
  });

  it('records consents as new rows (the newest in force), timed and signed by the server, pulled by the school', async () => {
    const teacher = await device('teacherA');
    const reader = new Device(app, await signIn(app, 'principala'));
    await reader.pull();
    const first = { id: newId(), personId: f.students.A[1], kind: 'signature', childConsent: true, parentConsent: true, note: 'Phiếu ngày 5/9' };
    const withdrawn = { ...first, id: newId(), parentConsent: false, note: 'Cha mẹ rút lại' };
    expect(await teacher.push([{ name: 'consent.record', args: first }, { name: 'consent.record', args: withdrawn }])).toMatchObject([
      { status: 'applied' },
      { status: 'applied' },
    ]);
    const consents = replay(await reader.pull(), 'consent');
    expect(consents.get(first.id)).toMatchObject({ schoolId: f.schoolA, recordedBy: f.users.teacherA, parentConsent: true, childConsent: true });
    expect(consents.get(withdrawn.id)).toMatchObject({ parentConsent: false });

    // The same consent id twice, and consent for someone who is not a student.
    const again = await teacher.push([
      { name: 'consent.record', args: first },
      { name: 'consent.record', args: { ...first, id: newId(), personId: f.staff.A[0] } },
    ]);
    expect(again.map((r) => r.error)).toEqual([REJECTION.idReused, ORG_REJECTION.notStudent]);
  });

  it('does not take a child\'s own answer under 7 for consent', async () => {
    const principal = await device('principalA');
    const young = personArgs(f, { birthYear: new Date().getUTCFullYear() - 5 });
    expect(await principal.push([{ name: 'person.save', args: young }])).toMatchObject([{ status: 'applied' }]);
    const [withChild, parentOnly] = await principal.push([
      { name: 'consent.record', args: { id: newId(), personId: young.id, kind: 'photo', childConsent: true, parentConsent: true, note: null } },
      { name: 'consent.record', args: { id: newId(), personId: young.id, kind: 'photo', childConsent: null, parentConsent: true, note: null } },
    ]);
    expect(withChild).toMatchObject({ status: 'rejected' });
    expect(withChild!.error).toContain('childConsent');
    expect(parentOnly).toMatchObject({ status: 'applied' });
  });
});
