import { describe, expect, it } from 'vitest';
import { compareVietnameseNames, countAttendance, sessionRoster } from '../../../src/shared/domain/roster';
import type { Class, Person } from '../../../src/shared/domain';
import { newId } from '../../../src/shared/domain/ids';

const school = newId();
const other = newId();
const cls = (name: string, grade: number, schoolId = school): Class => ({
  id: newId(), schoolId, schoolYearId: newId(), grade, name, code: null, homeroomPersonId: null, status: 'active',
});
const person = (fullName: string, kind: Person['kind'], extra: Partial<Person> = {}): Person => ({
  id: newId(), schoolId: school, kind, fullName, code: null, birthYear: null, sex: null, classId: null,
  roleTags: [], studentIds: [], status: 'active', joinedOn: null, leftOn: null, ...extra,
});

describe('sessionRoster', () => {
  const c6a = cls('6A1', 6);
  const c6b = cls('6A2', 6);
  const c7 = cls('7A1', 7);
  const cOther = cls('6A1', 6, other);
  const an = person('Nguyễn Văn An', 'student', { classId: c6a.id });
  const binh = person('Trần Thị Bình', 'student', { classId: c6a.id });
  const left = person('Lê Văn Cường', 'student', { classId: c6a.id, status: 'left' });
  const dung = person('Phạm Minh Dũng', 'student', { classId: c7.id });
  const foreign = person('Học sinh trường khác', 'student', { classId: cOther.id, schoolId: other });
  const teacher = person('Vũ Thu Hà', 'staff', { roleTags: ['teacher'] });
  const youth = person('Đỗ Đức Anh', 'staff', { roleTags: ['youth_leader'] });
  const parentAn = person('Nguyễn Văn Ba', 'parent', { studentIds: [an.id] });
  const parentDung = person('Phạm Văn Tư', 'parent', { studentIds: [dung.id] });
  const classes = [c6a, c6b, c7, cOther];
  const persons = [an, binh, left, dung, foreign, teacher, youth, parentAn, parentDung];
  const audience = { classIds: [], grades: [], staff: false, youthStaffOnly: false, parents: false };

  it.each([
    ['one class', { classIds: [c6a.id] }, [['6A1', [an.fullName, binh.fullName]]]],
    ['a grade, with its empty class, not the other school', { grades: [6] }, [['6A1', [an.fullName, binh.fullName]], ['6A2', []]]],
    ['staff', { staff: true }, [['staff', [youth.fullName, teacher.fullName]]]],
    ['youth-education staff only', { staff: true, youthStaffOnly: true }, [['staff', [youth.fullName]]]],
    ['parents of the classes in scope', { classIds: [c7.id], parents: true }, [['7A1', [dung.fullName]], ['parents', [parentDung.fullName]]]],
    ['all parents when no class is named', { parents: true }, [['parents', [parentAn.fullName, parentDung.fullName]]]],
  ] as const)('%s', (_name, partial, expected) => {
    const groups = sessionRoster({ ...audience, ...partial } as typeof audience, school, classes, persons);
    expect(groups.map((g) => [g.label, g.people.map((p) => p.fullName)])).toEqual(expected);
  });

  it('counts attendance by status', () => {
    const marks = new Map([
      [an.id, { status: 'present' as const }],
      [binh.id, { status: 'late' as const }],
      [dung.id, { status: 'excused' as const }],
    ]);
    expect(countAttendance([an, binh, dung, teacher], marks)).toEqual({
      total: 4, marked: 3, attended: 2, byStatus: { present: 1, late: 1, excused: 1, absent: 0 },
    });
  });
});

describe('compareVietnameseNames', () => {
  it('sorts by given name first', () => {
    const c = new Intl.Collator('vi');
    const names = ['Lê Văn Bình', 'Nguyễn Thị An', 'Trần An', 'Đặng Ánh'];
    expect([...names].sort((a, b) => compareVietnameseNames(c, a, b))).toEqual([
      'Nguyễn Thị An', 'Trần An', 'Đặng Ánh', 'Lê Văn Bình',
    ]);
  });
});
