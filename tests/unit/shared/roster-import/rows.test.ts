import { describe, expect, it } from 'vitest';
import {
  birthYearOf,
  gradeOfClass,
  matchHeaderRow,
  parseRows,
  roleTagsOf,
  sexOf,
  statusOf,
  type Cell,
} from '../../../../src/shared/roster-import';

describe('birthYearOf', () => {
  it.each<[Cell, number | null | undefined]>([
    ['03/02/2015', 2015],
    ['3/2/2015', 2015],
    ['03-02-2015', 2015],
    ['03.02.2015', 2015],
    ['2015-02-03', 2015],
    [2015, 2015],
    ['2015', 2015],
    // Excel serial day 42038 = 2015-02-03.
    [42038, 2015],
    ['42038', 2015],
    [null, null],
    ['', null],
    ['31/02/2015', undefined],
    ['29/02/2015', undefined],
    ['29/02/2016', 2016],
    ['00/01/2015', undefined],
    ['mười hai', undefined],
    ['01/01/1800', undefined],
    ['01/01/2031', undefined],
  ])('%j → %j', (cell, year) => {
    expect(birthYearOf(cell, 2026)).toBe(year);
  });
});

describe('sexOf / statusOf / roleTagsOf / gradeOfClass', () => {
  it('reads sex', () => {
    expect(sexOf('Nam')).toBe('male');
    expect(sexOf('Nữ')).toBe('female');
    expect(sexOf('NU')).toBe('female');
    expect(sexOf('')).toBeNull();
    expect(sexOf('khác')).toBeUndefined();
  });

  it.each<[string, 'active' | 'left' | undefined, boolean]>([
    ['Đang học', 'active', false],
    ['Chuyển đến', 'active', true],
    ['Lưu ban', 'active', false],
    ['Chuyển đi', 'left', false],
    ['Thôi học', 'left', false],
    ['Bỏ học', 'left', false],
    ['Đang làm việc', 'active', false],
    ['Nghỉ hưu', 'left', false],
    ['Nghỉ thai sản', 'active', false],
    ['Không rõ', undefined, false],
  ])('status %j → %j', (text, status, transferredIn) => {
    const s = statusOf(text);
    expect(s?.status).toBe(status);
    if (s) expect(s.transferredIn).toBe(transferredIn);
  });

  it.each<[string, string, string[]]>([
    ['Cán bộ quản lý', 'Hiệu trưởng', ['principal']],
    ['Cán bộ quản lý', 'Phó hiệu trưởng', ['vice_principal']],
    ['Giáo viên', 'Giáo viên Tổng phụ trách Đội', ['teacher', 'youth_leader']],
    ['Giáo viên', 'Giáo viên tiểu học hạng III', ['teacher']],
    ['Nhân viên', 'Nhân viên kế toán', ['employee']],
    ['', 'Bí thư Đoàn trường', ['youth_leader']],
  ])('roles of %j / %j', (group, position, tags) => {
    expect(roleTagsOf(group, position).sort()).toEqual([...tags].sort());
  });

  it('takes the grade from the class name', () => {
    expect(gradeOfClass('6A1')).toBe(6);
    expect(gradeOfClass('10A2')).toBe(10);
    expect(gradeOfClass('Lớp 3B')).toBe(3);
    expect(gradeOfClass('Mẫu giáo lớn A')).toBe(0);
    expect(gradeOfClass('13A')).toBe(0);
  });
});

describe('parseRows', () => {
  const header: Cell[] = ['Mã học sinh', 'Họ và tên', 'Mã lớp', 'Ngày sinh', 'Giới tính', 'Trạng thái HS', 'Dân tộc'];
  const rows: Cell[][] = [
    ['Danh sách'],
    header,
    ['HS1', 'Nguyễn Văn An', '1A1', '03/02/2019', 'Nam', 'Đang học', 'Kinh'],
    ['HS2', '', '1A1', '03/02/2019', 'Nữ', 'Đang học', 'Tày'],
    ['HS3', 'Lê Thị Bình', '', '31/02/2019', 'Nữ', 'Chuyển đi', 'Kinh'],
    ['', 'Trần Văn Cường', '1A2', '', 'X', 'Lạ', 'Kinh'],
    ['HS1', 'Nguyễn Văn An', '1A1', '', '', '', ''],
    [null, null, null],
    ['', 'Tổng số học sinh:', 5],
  ];
  const match = matchHeaderRow(header, 'students', 1);
  const parsed = parseRows('students', rows, match, { thisYear: 2026 });

  it('reports each row with its line and problems, skipping blank and footer lines', () => {
    expect(parsed.map((r) => [r.line, r.problems])).toEqual([
      [3, []],
      [4, ['missingName']],
      [5, ['missingClass', 'badBirthDate']],
      [6, ['missingCode', 'unknownSex', 'unknownStatus']],
      [7, ['duplicateCode']],
    ]);
  });

  it('keeps the birth year only and maps status and sex', () => {
    expect(parsed[0]).toMatchObject({ code: 'HS1', fullName: 'Nguyễn Văn An', className: '1A1', birthYear: 2019, sex: 'male', status: 'active' });
    expect(parsed[2]).toMatchObject({ status: 'left', birthYear: null });
    expect(Object.keys(parsed[0]!)).not.toContain('birthDate');
    expect(JSON.stringify(parsed)).not.toMatch(/Kinh|Tày/);
  });
});
