import { describe, expect, it } from 'vitest';
import {
  findDataSheet,
  isDenylisted,
  matchHeaderRow,
  normaliseHeader,
  type Cell,
  type ImportField,
  type ImportKind,
  type SheetHead,
} from '../../../../src/shared/roster-import';

describe('normaliseHeader', () => {
  it.each([
    ['Họ và tên', 'ho va ten'],
    ['HỌ VÀ TÊN', 'ho va ten'],
    ['Đơn vị', 'don vi'],
    ['  Ngày sinh\n(dd/mm/yyyy) ', 'ngay sinh dd mm yyyy'],
    ['Trạng thái_HS', 'trang thai hs'],
    ['Mã   lớp', 'ma lop'],
    // Composed and decomposed Unicode fold the same way.
    ['Nữ'.normalize('NFD'), 'nu'],
  ])('%j → %j', (input, expected) => {
    expect(normaliseHeader(input)).toBe(expected);
  });
});

interface Case {
  name: string;
  kind: ImportKind;
  header: Cell[];
  /** Field → the column index it must be read from. */
  expect: Partial<Record<ImportField, number>>;
  missing?: ImportField[];
  dropped?: string[];
}

const CASES: Case[] = [
  {
    name: 'the ministry titles, with diacritics',
    kind: 'students',
    header: ['STT', 'Mã học sinh', 'Họ và tên', 'Ngày sinh', 'Giới tính', 'Mã lớp', 'Trạng thái HS'],
    expect: { code: 1, fullName: 2, birthDate: 3, sex: 4, className: 5, status: 6 },
  },
  {
    name: 'without diacritics, upper case',
    kind: 'students',
    header: ['MA HOC SINH', 'HO TEN', 'MA LOP', 'NGAY SINH', 'GIOI TINH', 'TRANG THAI'],
    expect: { code: 0, fullName: 1, className: 2, birthDate: 3, sex: 4, status: 5 },
  },
  {
    name: 'any order',
    kind: 'students',
    header: ['Trạng thái học sinh', 'Giới tính', 'Lớp', 'Họ tên học sinh', 'Ngày sinh', 'Mã HS'],
    expect: { status: 0, sex: 1, className: 2, fullName: 3, birthDate: 4, code: 5 },
  },
  {
    name: 'extra columns are ignored, titles with a suffix still match',
    kind: 'students',
    header: ['STT', 'Khối', 'Mã lớp', 'Mã học sinh', 'Họ và tên', 'Ngày sinh (dd/mm/yyyy)', 'Ghi chú', 'Giới tính'],
    expect: { className: 2, code: 3, fullName: 4, birthDate: 5, sex: 7 },
  },
  {
    name: 'personal-data columns are dropped even when they look like a field',
    kind: 'students',
    header: ['Họ tên cha', 'Ngày sinh mẹ', 'Mã học sinh', 'Họ và tên', 'Mã lớp', 'Dân tộc', 'Địa chỉ', 'Số CCCD', 'Khuyết tật', 'Ngày sinh'],
    expect: { code: 2, fullName: 3, className: 4, birthDate: 9 },
    dropped: ['Họ tên cha', 'Ngày sinh mẹ', 'Dân tộc', 'Địa chỉ', 'Số CCCD', 'Khuyết tật'],
  },
  {
    name: 'missing required columns are named',
    kind: 'students',
    header: ['STT', 'Họ và tên', 'Ngày sinh'],
    expect: { fullName: 1, birthDate: 2 },
    missing: ['code', 'className'],
  },
  {
    name: 'the more specific status title wins over a general one',
    kind: 'students',
    header: ['Mã học sinh', 'Họ và tên', 'Mã lớp', 'Trạng thái', 'Trạng thái HS'],
    expect: { status: 4 },
  },
  {
    name: 'staff: code, role columns and status; the marital status and e-mail are never read',
    kind: 'staff',
    header: ['Tình trạng hôn nhân', 'Email', 'Mã cán bộ', 'Họ và tên', 'Trạng thái CB', 'Vị trí việc làm', 'Nhóm chức vụ', 'Môn dạy'],
    expect: { code: 2, fullName: 3, status: 4, position: 5, roleGroup: 6 },
    dropped: ['Tình trạng hôn nhân', 'Email'],
  },
  {
    name: 'staff: "Mã cán bộ" is not mistaken for a father column ("bộ")',
    kind: 'staff',
    header: ['MÃ CÁN BỘ', 'HỌ TÊN'],
    expect: { code: 0, fullName: 1 },
  },
  {
    name: 'staff file read as students misses the class and student code',
    kind: 'students',
    header: ['Mã cán bộ', 'Họ và tên', 'Vị trí việc làm'],
    expect: { fullName: 1 },
    missing: ['code', 'className'],
  },
];

describe('matchHeaderRow', () => {
  it.each(CASES)('$name', (c) => {
    const m = matchHeaderRow(c.header, c.kind);
    for (const [field, col] of Object.entries(c.expect)) expect(m.columns[field as ImportField], field).toBe(col);
    expect(m.missing).toEqual(c.missing ?? []);
    if (c.dropped) expect(m.dropped).toEqual(c.dropped);
    // A dropped column is never one that is read.
    const read = new Set(Object.values(m.columns));
    c.header.forEach((t, i) => {
      if (typeof t === 'string' && isDenylisted(t)) expect(read.has(i), t).toBe(false);
    });
  });
});

describe('findDataSheet', () => {
  const lookup = (name: string, rows: Cell[][]): SheetHead => ({ name, rows });
  const data: SheetHead = {
    name: 'Danh sách',
    rows: [
      ['SỞ GIÁO DỤC VÀ ĐÀO TẠO HÀ NỘI'],
      ['TRƯỜNG TIỂU HỌC DỊCH VỌNG'],
      ['DANH SÁCH HỌC SINH'],
      [],
      ['STT', 'Mã học sinh', 'Họ và tên', 'Mã lớp', 'Giới tính'],
      [1, 'HS1', 'Nguyễn Văn An', '1A1', 'Nam'],
    ],
  };

  it('finds the data sheet among lookup sheets, under a title block', () => {
    const sheets = [
      lookup('DM_Lop', [['Mã lớp', 'Tên lớp'], ['1A1', 'Lớp 1A1']]),
      lookup('DM_GioiTinh', [['Mã', 'Giới tính'], [1, 'Nam']]),
      data,
      lookup('DM_TrangThai', [['Mã', 'Trạng thái'], [1, 'Đang học']]),
    ];
    const m = findDataSheet(sheets, 'students');
    expect(m?.sheet).toBe('Danh sách');
    expect(m?.headerRow).toBe(4);
    expect(m?.missing).toEqual([]);
  });

  it('looks no further than the first 15 rows for the header', () => {
    const deep: SheetHead = { name: 'Sâu', rows: [...Array.from({ length: 15 }, () => ['']), data.rows[4]!] };
    const m = findDataSheet([deep], 'students');
    expect(m).toBeNull();
    const shallow: SheetHead = { name: 'Nông', rows: [...Array.from({ length: 14 }, () => ['']), data.rows[4]!] };
    expect(findDataSheet([shallow], 'students')?.headerRow).toBe(14);
  });

  it('reports the best sheet and what it lacks when no sheet has every required column', () => {
    const m = findDataSheet([lookup('DM_Lop', [['Mã lớp', 'Tên lớp']]), lookup('HS', [['Họ và tên', 'Mã lớp']])], 'students');
    expect(m?.sheet).toBe('HS');
    expect(m?.missing).toEqual(['code']);
  });

  it('gives null for a workbook without any known title', () => {
    expect(findDataSheet([lookup('Sheet1', [['a', 'b'], [1, 2]])], 'students')).toBeNull();
  });
});
