import { containsWords, normaliseHeader } from './normalise';

export const IMPORT_KINDS = ['students', 'staff'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** What a column can be read into. Anything else in the file is ignored (and never leaves the parser). */
export type ImportField =
  | 'code'
  | 'fullName'
  | 'className'
  | 'birthDate'
  | 'sex'
  | 'status'
  | 'position'
  | 'roleGroup';

interface FieldSpec {
  field: ImportField;
  required: boolean;
  /** Normalised titles seen in the ministry's exports (several versions of them). */
  synonyms: string[];
}

const NAME = ['ho ten', 'ho va ten', 'ho ten day du', 'ten day du'];
const BIRTH = ['ngay sinh', 'ngay thang nam sinh', 'ngay sinh dd mm yyyy', 'nam sinh'];
const SEX = ['gioi tinh', 'gioi'];

export const FIELD_SPECS: Record<ImportKind, FieldSpec[]> = {
  students: [
    { field: 'code', required: true, synonyms: ['ma hoc sinh', 'ma hs', 'ma dinh danh hoc sinh', 'ma so hoc sinh'] },
    { field: 'fullName', required: true, synonyms: [...NAME, 'ho ten hoc sinh', 'ho va ten hoc sinh', 'ten hoc sinh'] },
    { field: 'className', required: true, synonyms: ['ma lop', 'lop', 'ten lop', 'lop hoc'] },
    { field: 'birthDate', required: false, synonyms: BIRTH },
    { field: 'sex', required: false, synonyms: SEX },
    { field: 'status', required: false, synonyms: ['trang thai hs', 'trang thai hoc sinh', 'trang thai', 'tinh trang'] },
  ],
  staff: [
    {
      field: 'code',
      required: true,
      synonyms: ['ma can bo', 'ma cb', 'ma giao vien', 'ma gv', 'ma nhan su', 'ma cbgvnv', 'ma cong chuc vien chuc'],
    },
    { field: 'fullName', required: true, synonyms: [...NAME, 'ho ten can bo', 'ho ten giao vien'] },
    { field: 'birthDate', required: false, synonyms: BIRTH },
    { field: 'sex', required: false, synonyms: SEX },
    {
      field: 'status',
      required: false,
      synonyms: ['trang thai cb', 'trang thai can bo', 'trang thai lam viec', 'trang thai cong tac', 'trang thai'],
    },
    { field: 'position', required: false, synonyms: ['vi tri viec lam', 'vi tri', 'chuc danh'] },
    { field: 'roleGroup', required: false, synonyms: ['nhom chuc vu', 'chuc vu', 'chuc vu chinh'] },
  ],
};

/**
 * Columns never read, whatever they are called (Luật 91/2025: minimum personal data; ethnicity, religion and health
 * are sensitive). Matched as whole words in the normalised title, before any field matching, so "Ngày sinh mẹ" is
 * dropped rather than taken for the student's birth date.
 */
export const DENYLIST = [
  'cha',
  'me',
  // "bộ" alone would also hit "cán bộ": the father's columns are named in full.
  'ho ten bo',
  'ten bo',
  'nghe nghiep bo',
  'phu huynh',
  'nguoi giam ho',
  'giam ho',
  'dia chi',
  'noi o',
  'cho o',
  'ho khau',
  'thuong tru',
  'tam tru',
  'que quan',
  'noi sinh',
  'dan toc',
  'ton giao',
  'khuyet tat',
  'tan tat',
  'suc khoe',
  'cccd',
  'cmnd',
  'can cuoc',
  'chung minh',
  'so dinh danh',
  'dinh danh ca nhan',
  'ho chieu',
  'dien thoai',
  'so dt',
  'sdt',
  'email',
  'thu dien tu',
  'hon nhan',
  'doi tuong chinh sach',
  'ho ngheo',
  'bhxh',
  'bao hiem',
  'tai khoan',
  'ma so thue',
];

/** Whether a column title names data that must never be read. */
export function isDenylisted(title: string): boolean {
  const n = normaliseHeader(title);
  if (!n) return false;
  // The learner's own identifier ("Mã định danh học sinh") is the sector's student code, not a national id.
  if (n === 'ma dinh danh hoc sinh') return false;
  return DENYLIST.some((phrase) => containsWords(n, phrase));
}
