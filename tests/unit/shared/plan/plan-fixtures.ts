import type { ActivityType, Requirement, Session } from '../../../../src/shared/domain/activities';
import { newId } from '../../../../src/shared/domain/ids';
import type { SchoolYear, Unit } from '../../../../src/shared/domain/org';

/** A small tree: the Sở, two communes, a cluster, schools under each; and the 2025-2026 year. */
export const dept = newId();
export const communeA = newId();
export const communeB = newId();
export const cluster = newId();
export const schoolTH = newId();
export const schoolTHCS = newId();
export const schoolTHPT = newId();

const unit = (id: string, kind: Unit['kind'], parentId: string | null, extra: Partial<Unit> = {}): Unit => ({
  id, kind, name: `unit ${kind}`, code: null, parentId, clusterId: null, schoolLevel: null, status: 'active', ...extra,
});

export const units: Unit[] = [
  unit(dept, 'department', null),
  unit(communeA, 'commune', dept),
  unit(communeB, 'commune', dept),
  unit(cluster, 'cluster', dept),
  unit(schoolTH, 'school', communeA, { schoolLevel: 'th', clusterId: cluster }),
  unit(schoolTHCS, 'school', communeB, { schoolLevel: 'thcs' }),
  unit(schoolTHPT, 'school', dept, { schoolLevel: 'thpt', clusterId: cluster }),
];

export const year: SchoolYear = {
  id: newId(),
  departmentId: dept,
  label: '2025-2026',
  startDate: '2025-09-05',
  endDate: '2026-05-31',
  terms: [
    { no: 2, name: 'Học kỳ II', startDate: '2026-01-19', endDate: '2026-05-31' },
    { no: 1, name: 'Học kỳ I', startDate: '2025-09-05', endDate: '2026-01-18' },
  ],
};

export const drillType: ActivityType = {
  id: newId(), ownerUnitId: dept, code: 'drill', name: 'Diễn tập PCCC và CNCH', nameEn: 'Fire and rescue drill',
  scenarios: [
    { code: 'fire_evacuation', name: 'Cháy, thoát nạn', nameEn: 'Fire and evacuation' },
    { code: 'earthquake', name: 'Động đất', nameEn: 'Earthquake' },
    { code: 'first_aid', name: 'Sơ cứu', nameEn: 'First aid' },
  ],
  audiences: ['students', 'staff'], indicators: ['drills_held'], carriesCommitment: false, carriesPeriods: false,
};
export const legalType: ActivityType = {
  id: newId(), ownerUnitId: dept, code: 'legal_education', name: 'Tuyên truyền pháp luật', nameEn: 'Legal education',
  scenarios: [], audiences: ['staff', 'students', 'parents'], indicators: ['staff_legal_education'],
  carriesCommitment: false, carriesPeriods: false,
};
/** A commune's own variant of legal education: counts toward the Sở's legal-education requirements. */
export const communeLegalType: ActivityType = { ...legalType, id: newId(), ownerUnitId: communeA, name: 'Pháp luật (phường)' };
export const trafficType: ActivityType = {
  id: newId(), ownerUnitId: dept, code: 'traffic_safety', name: 'An toàn giao thông', nameEn: 'Traffic safety',
  scenarios: [], audiences: ['students', 'parents', 'staff'], indicators: ['traffic_commitments'],
  carriesCommitment: true, carriesPeriods: false,
};
export const trainingType: ActivityType = {
  id: newId(), ownerUnitId: dept, code: 'staff_training', name: 'Tập huấn', nameEn: 'Staff training',
  scenarios: [], audiences: ['staff', 'youth_staff'], indicators: ['youth_staff_trained'],
  carriesCommitment: false, carriesPeriods: true,
};
export const parentType: ActivityType = {
  id: newId(), ownerUnitId: dept, code: 'parent_outreach', name: 'Họp cha mẹ học sinh', nameEn: 'Parent outreach',
  scenarios: [], audiences: ['parents'], indicators: ['parents_reached'], carriesCommitment: false, carriesPeriods: false,
};
export const otherType: ActivityType = {
  id: newId(), ownerUnitId: dept, code: 'other', name: 'Khác', nameEn: 'Other',
  scenarios: [], audiences: ['staff'], indicators: [], carriesCommitment: false, carriesPeriods: false,
};
export const otherType2: ActivityType = { ...otherType, id: newId(), name: 'Khác 2' };
export const types = [drillType, legalType, communeLegalType, trafficType, trainingType, parentType, otherType, otherType2];

export function requirement(extra: Partial<Requirement> = {}): Requirement {
  return {
    id: newId(),
    ownerUnitId: dept,
    schoolYearId: year.id,
    title: 'Yêu cầu',
    target: { kind: 'all' },
    activityTypeId: legalType.id,
    scenarioCode: null,
    rotateScenarios: false,
    frequency: { kind: 'year', count: 1 },
    audience: { kind: 'staff', grade: null },
    indicator: null,
    ...extra,
  };
}

export function session(extra: Partial<Session> = {}): Session {
  return {
    id: newId(),
    schoolId: schoolTH,
    scopeUnitId: schoolTH,
    schoolYearId: year.id,
    activityTypeId: legalType.id,
    scenarioCode: null,
    title: 'Buổi',
    startsAt: '2025-10-10T00:30:00.000Z',
    endsAt: '2025-10-10T02:00:00.000Z',
    place: null,
    audience: { classIds: [], grades: [], staff: true, youthStaffOnly: false, parents: false },
    facilitatorPersonId: null,
    trainerUserId: null,
    materialIds: [],
    periods: null,
    status: 'planned',
    revision: 0,
    createdBy: newId(),
    seriesId: null,
    ...extra,
  };
}
