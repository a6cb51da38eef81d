import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { liveQuery } from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TruongAnDb } from '../../../../src/client/db/database';
import { audienceRosterSource, rosterSource } from '../../../../src/client/db/repositories/attendance-view';
import type { Class, Person, SessionAudience } from '../../../../src/shared/domain';
import { sessionRoster } from '../../../../src/shared/domain/roster';
import { freshDb } from '../sync/harness';

const schoolId = randomUUID();
const otherSchoolId = randomUUID();
const schoolYearId = randomUUID();

const klass = (name: string, grade: number, status: Class['status'] = 'active', year = schoolYearId): Class => ({
  id: randomUUID(),
  schoolId,
  schoolYearId: year,
  grade,
  name,
  code: null,
  homeroomPersonId: null,
  status,
});

const person = (kind: Person['kind'], fullName: string, extra: Partial<Person> = {}): Person => ({
  id: randomUUID(),
  schoolId,
  kind,
  fullName,
  code: null,
  birthYear: kind === 'student' ? 2013 : 1985,
  sex: null,
  classId: null,
  roleTags: [],
  studentIds: [],
  status: 'active',
  joinedOn: null,
  leftOn: null,
  ...extra,
});

const audience = (over: Partial<SessionAudience>): SessionAudience => ({
  classIds: [],
  grades: [],
  staff: false,
  youthStaffOnly: false,
  parents: false,
  ...over,
});

/** Names per roster, as the sheet lists them: group keys and the people's names in order. */
const shape = (groups: ReturnType<typeof sessionRoster>) => groups.map((g) => [g.key, g.people.map((p) => `${p.fullName}#${p.id}`)]);

describe('audienceRosterSource', () => {
  let db: TruongAnDb;
  const a6 = klass('6A1', 6);
  const b6 = klass('6A2', 6);
  const a7 = klass('7A1', 7);
  const closed = klass('6A9', 6, 'closed');
  const lastYear = klass('6A1 (năm trước)', 6, 'active', randomUUID());
  const students = [
    person('student', 'Nguyễn Văn An', { classId: a6.id }),
    // Two people of the same name: the roster keeps them in the same order whichever way it was read.
    person('student', 'Trần Thị Bình', { classId: a6.id }),
    person('student', 'Trần Thị Bình', { classId: a6.id }),
    person('student', 'Lê Văn Cường', { classId: a6.id, status: 'left' }),
    person('student', 'Hoàng Văn Đức', { classId: b6.id }),
    person('student', 'Vũ Thị Lê', { classId: a7.id }),
    person('student', 'Đỗ Minh Khoa', { classId: closed.id }),
    person('student', 'Phan Thu Hà', { classId: lastYear.id }),
    // A student of another school carrying a listed class id (a row that should not be there): never listed.
    person('student', 'Ngô Văn Lạ', { classId: a6.id, schoolId: otherSchoolId }),
  ];
  const staff = [
    person('staff', 'Phạm Thị Hoa', { roleTags: ['teacher'] }),
    person('staff', 'Đỗ Minh Đức', { roleTags: ['youth_leader'] }),
    person('staff', 'Bùi Văn Nam', { roleTags: ['teacher'], status: 'left' }),
  ];
  const parents = [
    person('parent', 'Nguyễn Văn Bố', { studentIds: [students[0]!.id] }),
    person('parent', 'Vũ Văn Cha', { studentIds: [students[5]!.id] }),
  ];
  const everyone = [...students, ...staff, ...parents];
  const classes = [a6, b6, a7, closed, lastYear];

  beforeEach(async () => {
    db = freshDb();
    await db.entity('class').bulkPut(classes);
    await db.entity('person').bulkPut(everyone);
  });

  afterEach(async () => {
    await db.delete();
  });

  const audiences: [string, SessionAudience][] = [
    ['one class', audience({ classIds: [a6.id] })],
    ['two classes', audience({ classIds: [a6.id, a7.id] })],
    ['a closed class', audience({ classIds: [closed.id] })],
    ['a class of another year', audience({ classIds: [lastYear.id] })],
    ['a grade', audience({ grades: [6] })],
    ['a grade and a class of another grade', audience({ grades: [7], classIds: [b6.id] })],
    ['the whole school', audience({ grades: [6, 7], staff: true })],
    ['staff only', audience({ staff: true })],
    ['youth-education staff only', audience({ staff: true, youthStaffOnly: true })],
    ['a class and its parents', audience({ classIds: [a6.id], parents: true })],
    ['all parents', audience({ parents: true })],
    [
      'people named one by one, one of them in the class and one of another school',
      audience({ classIds: [b6.id], personIds: [students[4]!.id, students[5]!.id, staff[0]!.id, students[8]!.id, randomUUID()] }),
    ],
    ['nobody', audience({})],
  ];

  it.each(audiences)('lists the same roster as the whole school for %s', async (_, wanted) => {
    const whole = await rosterSource(schoolId, schoolYearId, db);
    const narrow = await audienceRosterSource(schoolId, schoolYearId, wanted, db);
    expect(shape(sessionRoster(wanted, schoolId, narrow.classes, narrow.persons))).toEqual(
      shape(sessionRoster(wanted, schoolId, whole.classes, whole.persons)),
    );
  });

  it("reads only the class's people for a class session, and the staff only when asked", async () => {
    const oneClass = await audienceRosterSource(schoolId, schoolYearId, audience({ classIds: [b6.id] }), db);
    expect(oneClass.persons.map((p) => p.fullName)).toEqual(['Hoàng Văn Đức']);
    const withStaff = await audienceRosterSource(schoolId, schoolYearId, audience({ classIds: [b6.id], staff: true }), db);
    expect(withStaff.persons.map((p) => p.kind).sort()).toEqual(['staff', 'staff', 'student']);
    expect((await audienceRosterSource(schoolId, schoolYearId, audience({}), db)).persons).toEqual([]);
  });

  it('follows a student joining or leaving the class as a live query', async () => {
    const wanted = audience({ classIds: [b6.id] });
    const seen: string[][] = [];
    const subscription = liveQuery(() => audienceRosterSource(schoolId, schoolYearId, wanted, db)).subscribe({
      next: (value) => seen.push(value.persons.map((p) => p.fullName).sort()),
    });
    const until = async (n: number) => {
      for (let i = 0; i < 200 && seen.length < n; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(seen).toHaveLength(n);
    };
    try {
      await until(1);
      expect(seen[0]).toEqual(['Hoàng Văn Đức']);
      // Moved in from 7A1 (the row had no index entry in this class before the move).
      await db.entity('person').put({ ...students[5]!, classId: b6.id });
      await until(2);
      expect(seen[1]).toEqual(['Hoàng Văn Đức', 'Vũ Thị Lê']);
      await db.entity('person').put({ ...students[4]!, status: 'left' });
      await until(3);
      expect(seen[2]).toEqual(['Vũ Thị Lê']);
    } finally {
      subscription.unsubscribe();
    }
  });
});
