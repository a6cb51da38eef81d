import type { ActivityCode, AudienceKind, Indicator, Scenario } from '../../shared/domain/activities';
import type { SchoolLevel } from '../../shared/domain/org';
import type { Role } from '../../shared/auth';

/** The fixed parts of the demo: who the units are, what the plan asks, who signs in. Rows are built from these. */

export const DEMO_PASSWORD = 'truongan2025';

/**
 * Tree and cluster memberships start when the two-level local government did (Hà Nội, 1 July 2025): a fact of
 * history, not of the demo's school year (the school years are in year.ts).
 */
export const MEMBERSHIP_VALID_FROM = '2025-07-01';

export type CommuneKey = 'caugiay' | 'badinh';
export type SchoolKey = 'dichvong' | 'nguyentrai' | 'yenhoa';

export const DEPARTMENT = { name: 'Sở Giáo dục và Đào tạo Hà Nội', code: 'SGDDT-HN' } as const;

export const COMMUNES: Record<CommuneKey, { name: string; code: string; hall: string }> = {
  caugiay: {
    name: 'Phòng Văn hóa – Xã hội phường Cầu Giấy',
    code: 'VHXH-CAUGIAY',
    hall: 'Hội trường UBND phường Cầu Giấy',
  },
  badinh: {
    name: 'Phòng Văn hóa – Xã hội phường Ba Đình',
    code: 'VHXH-BADINH',
    hall: 'Hội trường UBND phường Ba Đình',
  },
};

export const CLUSTER = { name: 'Cụm chuyên môn số 1', code: 'CUM-01' } as const;

export interface SchoolDef {
  key: SchoolKey;
  name: string;
  shortName: string;
  code: string;
  level: Extract<SchoolLevel, 'th' | 'thcs' | 'thpt'>;
  /** Management parent: the commune office for TH/THCS, the Sở itself for THPT. */
  commune: CommuneKey | null;
  grades: number[];
  /** Prefix of Mã học sinh / mã cán bộ in the sector database export. */
  codeDigits: string;
  youthLeaderTitle: string;
}

export const SCHOOLS: readonly SchoolDef[] = [
  {
    key: 'dichvong',
    name: 'Trường Tiểu học Dịch Vọng',
    shortName: 'TH Dịch Vọng',
    code: 'TH-DICHVONG',
    level: 'th',
    commune: 'caugiay',
    grades: [1, 2, 3, 4, 5],
    codeDigits: '01',
    youthLeaderTitle: 'Tổng phụ trách Đội',
  },
  {
    key: 'nguyentrai',
    name: 'Trường THCS Nguyễn Trãi',
    shortName: 'THCS Nguyễn Trãi',
    code: 'THCS-NGUYENTRAI',
    level: 'thcs',
    commune: 'badinh',
    grades: [6, 7, 8, 9],
    codeDigits: '02',
    youthLeaderTitle: 'Tổng phụ trách Đội',
  },
  {
    key: 'yenhoa',
    name: 'Trường THPT Yên Hòa',
    shortName: 'THPT Yên Hòa',
    code: 'THPT-YENHOA',
    level: 'thpt',
    commune: null,
    grades: [10, 11, 12],
    codeDigits: '03',
    youthLeaderTitle: 'Bí thư Đoàn trường',
  },
];

export const CLASSES_PER_GRADE = 2;
export const CLASS_SIZE = { min: 30, max: 45 } as const;
export const STAFF_SIZE = { min: 32, max: 48 } as const;

export const SCENARIOS: readonly Scenario[] = [
  { code: 'fire_evacuation', name: 'Cháy, thoát nạn', nameEn: 'Fire and evacuation' },
  { code: 'earthquake', name: 'Động đất', nameEn: 'Earthquake' },
  { code: 'intruder', name: 'Đột nhập, bạo lực', nameEn: 'Intruder and violence' },
  { code: 'flood_storm', name: 'Bão, lũ', nameEn: 'Storm and flood' },
  { code: 'first_aid', name: 'Sơ cứu', nameEn: 'First aid' },
];

export interface ActivityTypeDef {
  name: string;
  nameEn: string;
  scenarios: readonly Scenario[];
  audiences: AudienceKind[];
  indicators: Indicator[];
  carriesCommitment: boolean;
  carriesPeriods: boolean;
}

/** One type per code of ACTIVITY_CODES; the Record type makes a new code fail to compile until it is described here. */
export const ACTIVITY_TYPES: Record<ActivityCode, ActivityTypeDef> = {
  drill: {
    name: 'Diễn tập, thực tập phương án PCCC và CNCH',
    nameEn: 'Fire and rescue drill',
    scenarios: SCENARIOS,
    audiences: ['students', 'staff'],
    indicators: ['drills_held'],
    carriesCommitment: false,
    carriesPeriods: false,
  },
  legal_education: {
    name: 'Tuyên truyền, phổ biến, giáo dục pháp luật',
    nameEn: 'Legal education',
    scenarios: [],
    audiences: ['staff', 'students', 'parents'],
    indicators: ['staff_legal_education'],
    carriesCommitment: false,
    carriesPeriods: false,
  },
  resolution_study: {
    name: 'Học tập, quán triệt nghị quyết',
    nameEn: 'Resolution study',
    scenarios: [],
    audiences: ['staff'],
    indicators: ['staff_legal_education'],
    carriesCommitment: false,
    carriesPeriods: false,
  },
  traffic_safety: {
    name: 'Tuyên truyền an toàn giao thông',
    nameEn: 'Traffic safety',
    scenarios: [],
    audiences: ['students', 'parents', 'staff'],
    indicators: ['traffic_commitments'],
    carriesCommitment: true,
    carriesPeriods: false,
  },
  staff_training: {
    name: 'Tập huấn, bồi dưỡng',
    nameEn: 'Staff training',
    scenarios: [],
    audiences: ['staff', 'youth_staff'],
    indicators: ['youth_staff_trained'],
    carriesCommitment: false,
    carriesPeriods: true,
  },
  parent_outreach: {
    name: 'Tuyên truyền, phối hợp với cha mẹ học sinh',
    nameEn: 'Parent outreach',
    scenarios: [],
    audiences: ['parents'],
    indicators: ['parents_reached'],
    carriesCommitment: false,
    carriesPeriods: false,
  },
  volunteering: {
    name: 'Hoạt động tình nguyện, từ thiện, lao động tập thể',
    nameEn: 'Volunteering, charity and collective labour',
    scenarios: [],
    audiences: ['students'],
    indicators: ['students_volunteering'],
    carriesCommitment: false,
    carriesPeriods: false,
  },
  inspection: {
    name: 'Kiểm tra công tác bảo đảm an ninh, an toàn trường học',
    nameEn: 'Safety inspection',
    scenarios: [],
    audiences: ['staff'],
    indicators: [],
    carriesCommitment: false,
    carriesPeriods: false,
  },
  other: {
    name: 'Hoạt động khác',
    nameEn: 'Other activity',
    scenarios: [],
    audiences: ['students', 'staff', 'parents'],
    indicators: [],
    carriesCommitment: false,
    carriesPeriods: false,
  },
};

export type DemoUserKey =
  | 'so.canbo'
  | 'phuong.caugiay'
  | 'ht.dichvong'
  | 'gv.dichvong'
  | 'ht.nguyentrai'
  | 'gv.nguyentrai'
  | 'taphuan'
  | 'quantri';

/** Where a demo user's grant sits, and which staff member of a school they are (if any). */
export type DemoUserPlace =
  | { unit: 'department' }
  | { unit: 'commune'; commune: CommuneKey }
  | { unit: 'school'; school: SchoolKey; staff: 'principal' }
  | { unit: 'school'; school: SchoolKey; staff: 'homeroom'; className: string };

export interface DemoUserDef {
  username: DemoUserKey;
  role: Role;
  place: DemoUserPlace;
  /** For users who are not a school's staff member; staff users are named after their person. */
  displayName?: string;
  description: string;
}

export const DEMO_USERS: readonly DemoUserDef[] = [
  {
    username: 'so.canbo',
    role: 'officer',
    place: { unit: 'department' },
    displayName: 'Nguyễn Thu Hằng',
    description: 'Cán bộ Sở GDĐT (department officer)',
  },
  {
    username: 'phuong.caugiay',
    role: 'officer',
    place: { unit: 'commune', commune: 'caugiay' },
    displayName: 'Trần Quang Huy',
    description: 'Cán bộ Phòng VH-XH phường Cầu Giấy (commune officer)',
  },
  {
    username: 'ht.dichvong',
    role: 'principal',
    place: { unit: 'school', school: 'dichvong', staff: 'principal' },
    description: 'Hiệu trưởng, TH Dịch Vọng (principal)',
  },
  {
    username: 'gv.dichvong',
    role: 'teacher',
    place: { unit: 'school', school: 'dichvong', staff: 'homeroom', className: '3A1' },
    description: 'Giáo viên chủ nhiệm lớp 3A1, TH Dịch Vọng (homeroom teacher)',
  },
  {
    username: 'ht.nguyentrai',
    role: 'principal',
    place: { unit: 'school', school: 'nguyentrai', staff: 'principal' },
    description: 'Hiệu trưởng, THCS Nguyễn Trãi (principal)',
  },
  {
    username: 'gv.nguyentrai',
    role: 'teacher',
    place: { unit: 'school', school: 'nguyentrai', staff: 'homeroom', className: '7A1' },
    description: 'Giáo viên chủ nhiệm lớp 7A1, THCS Nguyễn Trãi (homeroom teacher)',
  },
  {
    username: 'taphuan',
    role: 'trainer',
    place: { unit: 'department' },
    displayName: 'Lê Minh Tuấn',
    description: 'Báo cáo viên tập huấn của Sở (trainer)',
  },
  {
    username: 'quantri',
    role: 'admin',
    place: { unit: 'department' },
    displayName: 'Quản trị hệ thống',
    description: 'Quản trị hệ thống (administrator)',
  },
];
