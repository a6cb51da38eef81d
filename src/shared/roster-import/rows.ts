import type { StaffRoleTag } from '../domain/people';
import { isRealDate } from '../time';
import type { ImportField, ImportKind } from './fields';
import type { Cell, HeaderMatch } from './header-match';
import { containsWords, normaliseHeader } from './normalise';

/** Why a row cannot be applied (error) or what the user should know before confirming (warning). */
export const PROBLEM_CODES = [
  'missingCode',
  'missingName',
  'missingClass',
  'badBirthDate',
  'duplicateCode',
  'nameTooLong',
  'codeTooLong',
  'classTooLong',
  'unknownSex',
  'unknownStatus',
  'newClass',
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

const WARNINGS: ReadonlySet<ProblemCode> = new Set(['unknownSex', 'unknownStatus', 'newClass']);
export const isError = (code: ProblemCode): boolean => !WARNINGS.has(code);

/**
 * One row of the file, reduced to what this app keeps: no date of birth (only the year), and none of the
 * denylisted columns, which the parser never read.
 */
export interface ParsedRow {
  /** Line number in the sheet (1-based, as Excel shows it). */
  line: number;
  code: string;
  fullName: string;
  className: string | null;
  /** Null when the file has no birth date column or the cell is empty. */
  birthYear: number | null;
  sex: 'male' | 'female' | null;
  status: 'active' | 'left';
  /** The file said the person transferred in: a new person then joins on the import day. */
  transferredIn: boolean;
  roleTags: StaffRoleTag[];
  problems: ProblemCode[];
}

const text = (cell: Cell | undefined): string =>
  cell === null || cell === undefined ? '' : String(cell).replace(/\s+/g, ' ').trim();

/** Excel's day 0 is 1899-12-30 (its 1900 leap-year bug included). */
function excelSerialToIso(serial: number): string | null {
  if (!Number.isFinite(serial) || serial < 1 || serial > 80_000) return null;
  const ms = Math.round((serial - 25_569) * 86_400_000);
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The birth year out of whatever the export holds: dd/mm/yyyy (or with - and .), yyyy-mm-dd, a lone year, an Excel
 * serial day. Undefined for an impossible date (31/02/2015, text), null for an empty cell.
 */
export function birthYearOf(cell: Cell | undefined, thisYear: number): number | null | undefined {
  if (cell === null || cell === undefined || text(cell) === '') return null;
  let iso: string | null = null;
  if (typeof cell === 'number') {
    if (Number.isInteger(cell) && cell >= 1900 && cell <= 2100) iso = `${cell}-01-01`;
    else iso = excelSerialToIso(cell);
  } else {
    const s = text(cell);
    let m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
    if (m) iso = `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}`;
    else if ((m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(s))) iso = `${m[1]}-${m[2]}-${m[3]}`;
    else if (/^\d{4}$/.test(s)) iso = `${s}-01-01`;
    else if (/^\d+(\.\d+)?$/.test(s)) iso = excelSerialToIso(Number(s));
  }
  if (!iso || !isRealDate(iso)) return undefined;
  const year = Number(iso.slice(0, 4));
  // Nobody on a roster was born before 1940 or after this year.
  return year >= 1940 && year <= thisYear ? year : undefined;
}

export function sexOf(cell: Cell | undefined): 'male' | 'female' | null | undefined {
  const n = normaliseHeader(text(cell));
  if (!n) return null;
  if (['nam', 'male', 'm', 'trai'].includes(n)) return 'male';
  if (['nu', 'female', 'f', 'gai'].includes(n)) return 'female';
  return undefined;
}

const LEFT = [
  'chuyen di',
  'thoi hoc',
  'bo hoc',
  'nghi hoc',
  'tot nghiep',
  'da tot nghiep',
  'hoan thanh chuong trinh',
  'bao luu',
  'tam nghi',
  'nghi huu',
  'nghi viec',
  'thoi viec',
  'chuyen cong tac',
  'chuyen truong',
  'nghi che do',
  'tu vong',
  'da mat',
  'khai tru',
];
const ACTIVE = [
  'dang hoc',
  'chuyen den',
  'luu ban',
  'hoc lai',
  'moi',
  'dang lam viec',
  'dang cong tac',
  'lam viec',
  'moi tuyen',
  'hop dong',
  'tap su',
  'nghi thai san',
  'nghi om',
  'biet phai',
];

/** Status text of the export → active / left. Unknown text keeps the person active and is reported. */
export function statusOf(cell: Cell | undefined): { status: 'active' | 'left'; transferredIn: boolean } | undefined {
  const n = normaliseHeader(text(cell));
  if (!n) return { status: 'active', transferredIn: false };
  if (LEFT.some((p) => containsWords(n, p))) return { status: 'left', transferredIn: false };
  if (ACTIVE.some((p) => containsWords(n, p))) return { status: 'active', transferredIn: containsWords(n, 'chuyen den') };
  return undefined;
}

/** "Nhóm chức vụ" / "Vị trí việc làm" → role tags (youth-education staff = youth_leader). */
export function roleTagsOf(...cells: (Cell | undefined)[]): StaffRoleTag[] {
  const tags = new Set<StaffRoleTag>();
  for (const cell of cells) {
    const n = normaliseHeader(text(cell));
    if (!n) continue;
    if (containsWords(n, 'pho hieu truong') || containsWords(n, 'pho giam doc')) tags.add('vice_principal');
    else if (containsWords(n, 'hieu truong') || containsWords(n, 'giam doc')) tags.add('principal');
    if (containsWords(n, 'tong phu trach') || containsWords(n, 'bi thu doan') || containsWords(n, 'tpt')) tags.add('youth_leader');
    if (containsWords(n, 'giao vien') || containsWords(n, 'gv')) tags.add('teacher');
    if (containsWords(n, 'chu nhiem') || containsWords(n, 'gvcn')) tags.add('homeroom');
    if (containsWords(n, 'nhan vien') || ['ke toan', 'van thu', 'thu vien', 'y te', 'bao ve', 'thiet bi', 'thu quy', 'phuc vu'].some((p) => containsWords(n, p))) {
      tags.add('employee');
    }
  }
  return [...tags];
}

/** Lines exports add under the table: totals, the signature block. */
const FOOTER = /^(tong so|tong cong|nguoi lap|xac nhan cua|ha noi ngay)\b/;

export interface RowLimits {
  /** The calendar year of the import day (Hà Nội), the latest plausible birth year. */
  thisYear: number;
}

/**
 * Reads the data rows under the header into `ParsedRow`s with each row's problems. Fully blank rows (and the
 * footer lines exports add: "Tổng số…", signatures) are skipped: a row needs a code or a name to count.
 */
export function parseRows(kind: ImportKind, rows: Cell[][], match: HeaderMatch, limits: RowLimits): ParsedRow[] {
  const col = (row: Cell[], field: ImportField): Cell | undefined => {
    const i = match.columns[field];
    return i === undefined ? undefined : row[i];
  };
  const out: ParsedRow[] = [];
  const seen = new Set<string>();
  for (let r = match.headerRow + 1; r < rows.length; r++) {
    const row = rows[r] ?? [];
    const code = text(col(row, 'code'));
    const fullName = text(col(row, 'fullName'));
    if (!code && !fullName) continue;
    // Footers sit in the first columns or under the code and name; looking only there keeps 20,000 rows fast.
    if ([row[0], row[1], row[2], col(row, 'code'), col(row, 'fullName')].some((c) => typeof c === 'string' && FOOTER.test(normaliseHeader(c)))) {
      continue;
    }
    const problems: ProblemCode[] = [];
    if (!code) problems.push('missingCode');
    else if (code.length > 50) problems.push('codeTooLong');
    else if (seen.has(code)) problems.push('duplicateCode');
    if (code) seen.add(code);
    if (!fullName) problems.push('missingName');
    else if (fullName.length > 120) problems.push('nameTooLong');
    let className: string | null = null;
    if (kind === 'students') {
      className = text(col(row, 'className')).replace(/^lop\s+/i, '').replace(/^Lớp\s+/, '') || null;
      if (!className) problems.push('missingClass');
      else if (className.length > 50) problems.push('classTooLong');
    }
    const birthYear = birthYearOf(col(row, 'birthDate'), limits.thisYear);
    if (birthYear === undefined) problems.push('badBirthDate');
    const sex = sexOf(col(row, 'sex'));
    if (sex === undefined) problems.push('unknownSex');
    const status = statusOf(col(row, 'status'));
    if (status === undefined) problems.push('unknownStatus');
    out.push({
      line: r + 1,
      code,
      fullName,
      className,
      birthYear: birthYear ?? null,
      sex: sex ?? null,
      status: status?.status ?? 'active',
      transferredIn: status?.transferredIn ?? false,
      roleTags: kind === 'staff' ? roleTagsOf(col(row, 'roleGroup'), col(row, 'position')) : [],
      problems,
    });
  }
  return out;
}

/** The grade of a class from its name ("6A1" → 6, "10 Toán" → 10); 0 for preschool groups and names without one. */
export function gradeOfClass(name: string): number {
  const m = /^\s*(?:l[oớ]p\s*)?(\d{1,2})/i.exec(name);
  const g = m ? Number(m[1]) : 0;
  return g >= 1 && g <= 12 ? g : 0;
}

export const hasErrors = (row: Pick<ParsedRow, 'problems'>): boolean => row.problems.some(isError);
