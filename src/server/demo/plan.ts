import { ACTIVITY_CODES, type ActivityCode, type Requirement } from '../../shared/domain/activities';
import { newId } from '../../shared/domain/ids';
import { ACTIVITY_TYPES } from './catalogue';
import type { DemoOrg } from './org';
import { UNVERSIONED, type DemoRows } from './rows';
import { vietnameseDate, type DemoSchoolYear } from './year';

export type ActivityTypeIds = Record<ActivityCode, string>;

/** The Sở's activity types: one per code, owned by the department so that every school below it pulls them. */
export function buildActivityTypes(org: DemoOrg, rows: DemoRows): ActivityTypeIds {
  const ids = {} as ActivityTypeIds;
  for (const code of ACTIVITY_CODES) {
    const def = ACTIVITY_TYPES[code];
    const id = newId();
    ids[code] = id;
    rows.activity_types.push({
      id,
      owner_unit_id: org.departmentId,
      code,
      name: def.name,
      name_en: def.nameEn,
      scenarios: JSON.stringify(def.scenarios),
      audiences: JSON.stringify(def.audiences),
      indicators: JSON.stringify(def.indicators),
      carries_commitment: def.carriesCommitment ? 1 : 0,
      carries_periods: def.carriesPeriods ? 1 : 0,
      stream: org.departmentId,
      version: UNVERSIONED,
    });
  }
  return ids;
}

type RequirementDef = Omit<Requirement, 'id' | 'ownerUnitId' | 'schoolYearId' | 'activityTypeId'> & {
  activity: ActivityCode;
};

/**
 * What the Sở's plan asks of every school in a school year (DOMAIN.md, "The plan this product carries out"); the
 * traffic-safety commitments are due by the end of September, the peak ATGT month.
 */
function departmentRequirements(year: DemoSchoolYear): RequirementDef[] {
  const due = year.commitmentDueDate;
  return [
    {
      title: 'Mọi cán bộ, giáo viên, nhân viên tham gia ít nhất 1 buổi tuyên truyền, phổ biến pháp luật trong năm học',
      activity: 'legal_education',
      target: { kind: 'all' },
      scenarioCode: null,
      rotateScenarios: false,
      frequency: { kind: 'year', count: 1 },
      audience: { kind: 'staff', grade: null },
      indicator: 'staff_legal_education',
    },
    {
      title: 'Mỗi học kỳ tổ chức ít nhất 1 buổi diễn tập phương án PCCC và CNCH, lần lượt từng tình huống giả định',
      activity: 'drill',
      target: { kind: 'all' },
      scenarioCode: null,
      rotateScenarios: true,
      frequency: { kind: 'term', count: 1 },
      audience: { kind: 'students', grade: null },
      indicator: 'drills_held',
    },
    {
      title: `Học sinh ký cam kết chấp hành pháp luật về trật tự, an toàn giao thông trước ngày ${vietnameseDate(due)}`,
      activity: 'traffic_safety',
      target: { kind: 'all' },
      scenarioCode: null,
      rotateScenarios: false,
      frequency: { kind: 'byDate', dueDate: due },
      audience: { kind: 'students', grade: null },
      indicator: 'traffic_commitments',
    },
    {
      title: `Cha mẹ học sinh ký cam kết bảo đảm an toàn giao thông cho con em trước ngày ${vietnameseDate(due)}`,
      activity: 'traffic_safety',
      target: { kind: 'all' },
      scenarioCode: null,
      rotateScenarios: false,
      frequency: { kind: 'byDate', dueDate: due },
      audience: { kind: 'parents', grade: null },
      indicator: 'traffic_commitments',
    },
    {
      title: 'Tổng phụ trách Đội, Bí thư Đoàn được tập huấn nghiệp vụ ít nhất 1 lần trong năm học',
      activity: 'staff_training',
      target: { kind: 'all' },
      scenarioCode: null,
      rotateScenarios: false,
      frequency: { kind: 'year', count: 1 },
      audience: { kind: 'youth_staff', grade: null },
      indicator: 'youth_staff_trained',
    },
    {
      title: 'Cha mẹ học sinh tham gia ít nhất 1 buổi tuyên truyền, phối hợp giáo dục mỗi học kỳ',
      activity: 'parent_outreach',
      target: { kind: 'all' },
      scenarioCode: null,
      rotateScenarios: false,
      frequency: { kind: 'term', count: 1 },
      audience: { kind: 'parents', grade: null },
      indicator: 'parents_reached',
    },
    {
      title: 'Học sinh tham gia ít nhất 1 hoạt động tình nguyện, từ thiện hoặc lao động tập thể trong năm học',
      activity: 'volunteering',
      target: { kind: 'all' },
      scenarioCode: null,
      rotateScenarios: false,
      frequency: { kind: 'year', count: 1 },
      audience: { kind: 'students', grade: null },
      indicator: 'students_volunteering',
    },
  ];
}

/**
 * Requirements of the demo's school year: the Sở's, and one set by the Cầu Giấy commune office for its own schools,
 * so that the demo shows a commune adding to the department's plan.
 */
export function buildRequirements(org: DemoOrg, year: DemoSchoolYear, types: ActivityTypeIds, rows: DemoRows): void {
  const push = (owner: string, def: RequirementDef) => {
    const { activity, ...rest } = def;
    rows.requirements.push({
      id: newId(),
      owner_unit_id: owner,
      school_year_id: org.schoolYearId,
      title: rest.title,
      target: JSON.stringify(rest.target),
      activity_type_id: types[activity],
      scenario_code: rest.scenarioCode,
      rotate_scenarios: rest.rotateScenarios ? 1 : 0,
      frequency: JSON.stringify(rest.frequency),
      audience: JSON.stringify(rest.audience),
      indicator: rest.indicator,
      stream: owner,
      version: UNVERSIONED,
    });
  };
  for (const def of departmentRequirements(year)) push(org.departmentId, def);
  push(org.communeIds.caugiay, {
    title: 'Các trường tiểu học, THCS trên địa bàn phường diễn tập ứng phó động đất ít nhất 1 lần trong năm học',
    activity: 'drill',
    target: { kind: 'subtree', unitId: org.communeIds.caugiay },
    scenarioCode: 'earthquake',
    rotateScenarios: false,
    frequency: { kind: 'year', count: 1 },
    audience: { kind: 'students', grade: null },
    indicator: 'drills_held',
  });
}
