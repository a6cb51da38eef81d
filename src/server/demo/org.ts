import { newId } from '../../shared/domain/ids';
import type { StaffRoleTag } from '../../shared/domain/people';
import {
  CLASS_SIZE,
  CLASSES_PER_GRADE,
  CLUSTER,
  COMMUNES,
  DEPARTMENT,
  MEMBERSHIP_VALID_FROM,
  SCHOOLS,
  STAFF_SIZE,
  type CommuneKey,
  type SchoolDef,
  type SchoolKey,
} from './catalogue';
import { familyName, fullName, randomSex, type Sex } from './names';
import type { DemoRandom } from './random';
import { UNVERSIONED, type DemoRows } from './rows';
import type { DemoClock } from './year';

export interface DemoClass {
  id: string;
  grade: number;
  name: string;
  homeroomId: string;
}

export interface DemoStaff {
  id: string;
  fullName: string;
  tags: StaffRoleTag[];
}

export interface DemoStudent {
  id: string;
  classId: string;
  grade: number;
  parentId: string;
}

export interface DemoParent {
  id: string;
  studentIds: string[];
}

export interface DemoSchool {
  def: SchoolDef;
  id: string;
  classes: DemoClass[];
  staff: DemoStaff[];
  students: DemoStudent[];
  parents: DemoParent[];
  principal: DemoStaff;
  youthLeader: DemoStaff;
  vicePrincipals: DemoStaff[];
}

export interface DemoOrg {
  departmentId: string;
  communeIds: Record<CommuneKey, string>;
  clusterId: string;
  schoolYearId: string;
  schools: Record<SchoolKey, DemoSchool>;
}

/**
 * A pupil starts grade 1 in the September of the year they turn 6: in the year Y-(Y+1) a grade-g pupil was born in
 * Y − 5 − g (2020 − g in 2025-2026).
 */
function birthYearForGrade(grade: number, startYear: number): number {
  return startYear - 5 - grade;
}

export function buildOrg(rng: DemoRandom, rows: DemoRows, clock: DemoClock): DemoOrg {
  const { year } = clock;
  const departmentId = newId();
  const communeIds: Record<CommuneKey, string> = { caugiay: newId(), badinh: newId() };
  const clusterId = newId();
  const schoolIds = Object.fromEntries(SCHOOLS.map((s) => [s.key, newId()])) as Record<SchoolKey, string>;

  const unit = (
    id: string,
    kind: string,
    name: string,
    code: string,
    parentId: string | null,
    cluster: string | null,
    level: string | null,
  ) => {
    rows.units.push({
      id,
      kind,
      name,
      code,
      parent_id: parentId,
      cluster_id: cluster,
      school_level: level,
      status: 'active',
      // A unit row travels in its parent's stream, so that whoever sees the parent learns of its children; the
      // root has no parent and is its own stream.
      stream: parentId ?? id,
      version: UNVERSIONED,
      created_at: clock.unitsCreatedAt,
      updated_at: clock.unitsCreatedAt,
    });
    if (parentId) membership(id, parentId, 'tree');
    if (cluster) membership(id, cluster, 'cluster');
  };
  const membership = (unitId: string, parentId: string, axis: 'tree' | 'cluster') => {
    rows.unit_memberships.push({
      id: newId(),
      unit_id: unitId,
      parent_id: parentId,
      axis,
      valid_from: MEMBERSHIP_VALID_FROM,
      valid_to: null,
    });
  };

  unit(departmentId, 'department', DEPARTMENT.name, DEPARTMENT.code, null, null, null);
  for (const key of ['caugiay', 'badinh'] as const) {
    unit(communeIds[key], 'commune', COMMUNES[key].name, COMMUNES[key].code, departmentId, null, null);
  }
  unit(clusterId, 'cluster', CLUSTER.name, CLUSTER.code, departmentId, null, null);
  for (const def of SCHOOLS) {
    const parent = def.commune ? communeIds[def.commune] : departmentId;
    unit(schoolIds[def.key], 'school', def.name, def.code, parent, clusterId, def.level);
  }

  const schoolYearId = newId();
  rows.school_years.push({
    id: schoolYearId,
    department_id: departmentId,
    label: year.label,
    start_date: year.startDate,
    end_date: year.endDate,
    stream: departmentId,
    version: UNVERSIONED,
  });
  for (const term of year.terms) {
    rows.terms.push({
      id: newId(),
      school_year_id: schoolYearId,
      no: term.no,
      name: term.name,
      start_date: term.startDate,
      end_date: term.endDate,
    });
  }

  const schools = {} as Record<SchoolKey, DemoSchool>;
  for (const def of SCHOOLS) {
    schools[def.key] = buildSchool(rng, rows, clock, def, schoolIds[def.key], schoolYearId);
  }
  return { departmentId, communeIds, clusterId, schoolYearId, schools };
}

/** Women are most of the teachers in primary schools and fewer, but still most, in upper secondary. */
const FEMALE_STAFF_SHARE: Record<SchoolDef['level'], number> = { th: 0.85, thcs: 0.72, thpt: 0.6 };

const EMPLOYEE_COUNT = 7;
const VICE_PRINCIPAL_COUNT = 2;

function buildSchool(
  rng: DemoRandom,
  rows: DemoRows,
  clock: DemoClock,
  def: SchoolDef,
  schoolId: string,
  schoolYearId: string,
): DemoSchool {
  const femaleShare = FEMALE_STAFF_SHARE[def.level];
  const staff: DemoStaff[] = [];
  let staffNo = 0;
  const { startYear } = clock.year;
  /** `age`: the youngest and oldest a staff member may be in the calendar year the school year opens. */
  const addStaff = (tags: StaffRoleTag[], opts: { sex?: Sex; age?: [number, number] } = {}): DemoStaff => {
    const sex = opts.sex ?? randomSex(rng, femaleShare);
    const [youngest, oldest] = opts.age ?? [26, 57];
    const person: DemoStaff = { id: newId(), fullName: fullName(rng, sex, 'adult'), tags };
    staffNo += 1;
    const prefix = tags.includes('employee') ? 'NV' : 'GV';
    rows.persons.push({
      id: person.id,
      school_id: schoolId,
      kind: 'staff',
      full_name: person.fullName,
      code: `${prefix}${def.codeDigits}${String(staffNo).padStart(4, '0')}`,
      birth_year: rng.int(startYear - oldest, startYear - youngest),
      sex,
      class_id: null,
      role_tags: JSON.stringify(tags),
      status: 'active',
      joined_on: null,
      left_on: null,
      stream: schoolId,
      version: UNVERSIONED,
      created_at: clock.rosterImportedAt,
      updated_at: clock.rosterImportedAt,
    });
    staff.push(person);
    return person;
  };

  const principal = addStaff(['principal'], { age: [45, 55] });
  const vicePrincipals = Array.from({ length: VICE_PRINCIPAL_COUNT }, () =>
    addStaff(['vice_principal'], { age: [40, 53] }),
  );
  // In upper-secondary schools the Youth Union secretary is a teacher elected to the post; primary and lower-
  // secondary schools have a full-time Young Pioneers leader.
  const youthLeader = addStaff(def.level === 'thpt' ? ['youth_leader', 'teacher'] : ['youth_leader'], {
    age: [27, 37],
  });

  const classes: DemoClass[] = [];
  for (const grade of def.grades) {
    for (let k = 1; k <= CLASSES_PER_GRADE; k += 1) {
      const homeroom = addStaff(['homeroom', 'teacher']);
      classes.push({ id: newId(), grade, name: `${grade}A${k}`, homeroomId: homeroom.id });
    }
  }
  const staffTarget = rng.int(STAFF_SIZE.min, STAFF_SIZE.max);
  while (staff.length < staffTarget - EMPLOYEE_COUNT) addStaff(['teacher']);
  for (let i = 0; i < EMPLOYEE_COUNT; i += 1) {
    // Two of the employees are the school's guards (bảo vệ), usually men.
    addStaff(['employee'], i < 2 ? { sex: 'male', age: [40, 63] } : {});
  }

  for (const c of classes) {
    rows.classes.push({
      id: c.id,
      school_id: schoolId,
      school_year_id: schoolYearId,
      grade: c.grade,
      name: c.name,
      code: `${def.code}-${c.name}`,
      homeroom_person_id: c.homeroomId,
      status: 'active',
      stream: schoolId,
      version: UNVERSIONED,
    });
  }

  const { students, parents } = buildStudents(rng, rows, clock, def, schoolId, classes);
  return { def, id: schoolId, classes, staff, students, parents, principal, youthLeader, vicePrincipals };
}

interface Family {
  familyName: string;
  parent: DemoParent;
  /** Grade of the first child: a sibling is in another grade (twins are left out of the demo). */
  firstGrade: number;
}

/** About one pupil in twenty has an older or younger sibling at the same school. */
const SIBLING_SHARE = 0.05;

function buildStudents(
  rng: DemoRandom,
  rows: DemoRows,
  clock: DemoClock,
  def: SchoolDef,
  schoolId: string,
  classes: DemoClass[],
): { students: DemoStudent[]; parents: DemoParent[] } {
  const students: DemoStudent[] = [];
  const parents: DemoParent[] = [];
  const families: Family[] = [];
  let studentNo = 0;

  for (const c of classes) {
    const size = rng.int(CLASS_SIZE.min + 2, CLASS_SIZE.max - 1);
    for (let i = 0; i < size; i += 1) {
      const sex = randomSex(rng);
      const onlyChildren = families.filter((f) => f.firstGrade !== c.grade && f.parent.studentIds.length === 1);
      const family =
        onlyChildren.length > 0 && rng.chance(SIBLING_SHARE)
          ? rng.pick(onlyChildren)
          : newFamily(rng, rows, clock, schoolId, c, parents, families);
      const birthYear = birthYearForGrade(c.grade, clock.year.startYear) - (rng.chance(0.03) ? 1 : 0);
      const student: DemoStudent = { id: newId(), classId: c.id, grade: c.grade, parentId: family.parent.id };
      studentNo += 1;
      rows.persons.push({
        id: student.id,
        school_id: schoolId,
        kind: 'student',
        full_name: fullName(rng, sex, 'child', family.familyName),
        code: `HS${def.codeDigits}${String(c.grade).padStart(2, '0')}${String(studentNo).padStart(4, '0')}`,
        birth_year: birthYear,
        sex,
        class_id: c.id,
        role_tags: '[]',
        status: 'active',
        joined_on: null,
        left_on: null,
        stream: schoolId,
        version: UNVERSIONED,
        created_at: clock.rosterImportedAt,
        updated_at: clock.rosterImportedAt,
      });
      rows.person_links.push({ id: newId(), school_id: schoolId, parent_id: family.parent.id, student_id: student.id });
      family.parent.studentIds.push(student.id);
      students.push(student);
    }
  }
  return { students, parents };
}

/**
 * A new family: the parent who deals with the school is the father (whose family name the child carries) a little
 * less often than the mother, who keeps her own family name.
 */
function newFamily(
  rng: DemoRandom,
  rows: DemoRows,
  clock: DemoClock,
  schoolId: string,
  c: DemoClass,
  parents: DemoParent[],
  families: Family[],
): Family {
  const childFamilyName = familyName(rng);
  const parentSex = randomSex(rng, 0.6);
  const parentName =
    parentSex === 'male' ? fullName(rng, 'male', 'adult', childFamilyName) : fullName(rng, 'female', 'adult');
  const parent: DemoParent = { id: newId(), studentIds: [] };
  rows.persons.push({
    id: parent.id,
    school_id: schoolId,
    kind: 'parent',
    full_name: parentName,
    code: null,
    birth_year: birthYearForGrade(c.grade, clock.year.startYear) - rng.int(24, 40),
    sex: parentSex,
    class_id: null,
    role_tags: '[]',
    status: 'active',
    joined_on: null,
    left_on: null,
    stream: schoolId,
    version: UNVERSIONED,
    created_at: clock.rosterImportedAt,
    updated_at: clock.rosterImportedAt,
  });
  parents.push(parent);
  const family: Family = { familyName: childFamilyName, parent, firstGrade: c.grade };
  families.push(family);
  return family;
}
