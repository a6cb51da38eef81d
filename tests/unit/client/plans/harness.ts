import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { createRouter, createMemoryHistory } from 'vue-router';
import { defineComponent } from 'vue';
import type { ActivityType, Class, Person, Requirement, SchoolYear, Session, Unit } from '../../../../src/shared/domain';
import type { RoleGrant } from '../../../../src/shared/auth';
import SessionFormPage from '../../../../src/client/features/plans/SessionFormPage.vue';
import ProposalPage from '../../../../src/client/features/plans/ProposalPage.vue';
import { makeAccount, makeDevice, signInOnDevice, type Device } from '../settings/harness';

/** A department, a ward and a primary school with classes of grades 1 and 2, staff, the drill and ATGT types. */
export interface PlanWorld {
  department: Unit;
  commune: Unit;
  school: Unit;
  year: SchoolYear;
  classes: Class[];
  staff: Person[];
  drill: ActivityType;
  traffic: ActivityType;
}

const unit = (kind: Unit['kind'], name: string, parentId: string | null): Unit => ({
  id: randomUUID(),
  kind,
  name,
  code: null,
  parentId,
  clusterId: null,
  schoolLevel: kind === 'school' ? 'th' : null,
  status: 'active',
});

export function makeWorld(): PlanWorld {
  const department = unit('department', 'Sở GDĐT Hà Nội', null);
  const commune = unit('commune', 'Phòng Văn hóa – Xã hội phường Cầu Giấy', department.id);
  const school = unit('school', 'Trường Tiểu học Dịch Vọng', commune.id);
  const year: SchoolYear = {
    id: randomUUID(),
    departmentId: department.id,
    label: '2025-2026',
    startDate: '2025-09-05',
    endDate: '2026-05-31',
    terms: [
      { no: 1, name: 'Học kỳ I', startDate: '2025-09-05', endDate: '2026-01-17' },
      { no: 2, name: 'Học kỳ II', startDate: '2026-01-19', endDate: '2026-05-31' },
    ],
  };
  const cls = (grade: number, name: string): Class => ({
    id: randomUUID(),
    schoolId: school.id,
    schoolYearId: year.id,
    grade,
    name,
    code: null,
    homeroomPersonId: null,
    status: 'active',
  });
  const staffMember = (fullName: string, roleTags: Person['roleTags']): Person => ({
    id: randomUUID(),
    schoolId: school.id,
    kind: 'staff',
    fullName,
    code: null,
    birthYear: 1985,
    sex: null,
    classId: null,
    roleTags,
    studentIds: [],
    status: 'active',
    joinedOn: null,
    leftOn: null,
  });
  const drill: ActivityType = {
    id: randomUUID(),
    ownerUnitId: department.id,
    code: 'drill',
    name: 'Diễn tập',
    nameEn: 'Drill',
    scenarios: [
      { code: 'fire_evacuation', name: 'Cháy, thoát nạn', nameEn: 'Fire and evacuation' },
      { code: 'earthquake', name: 'Động đất', nameEn: 'Earthquake' },
    ],
    audiences: ['students', 'staff'],
    indicators: ['drills_held'],
    carriesCommitment: false,
    carriesPeriods: false,
  };
  const traffic: ActivityType = {
    id: randomUUID(),
    ownerUnitId: department.id,
    code: 'traffic_safety',
    name: 'An toàn giao thông',
    nameEn: 'Traffic safety',
    scenarios: [],
    audiences: ['students', 'parents'],
    indicators: ['traffic_commitments'],
    carriesCommitment: true,
    carriesPeriods: false,
  };
  return {
    department,
    commune,
    school,
    year,
    classes: [cls(1, '1A1'), cls(1, '1A2'), cls(2, '2A1')],
    staff: [staffMember('Phạm Thị Hoa', ['principal']), staffMember('Đỗ Minh Đức', ['youth_leader'])],
    drill,
    traffic,
  };
}

export function requirement(world: PlanWorld, overrides: Partial<Requirement> = {}): Requirement {
  return {
    id: randomUUID(),
    ownerUnitId: world.department.id,
    schoolYearId: world.year.id,
    title: 'Diễn tập PCCC mỗi học kỳ',
    target: { kind: 'all' },
    activityTypeId: world.drill.id,
    scenarioCode: null,
    rotateScenarios: true,
    frequency: { kind: 'term', count: 1 },
    audience: { kind: 'students', grade: null },
    indicator: 'drills_held',
    ...overrides,
  };
}

export function plannedSession(world: PlanWorld, overrides: Partial<Session> = {}): Session {
  return {
    id: randomUUID(),
    schoolId: world.school.id,
    scopeUnitId: world.school.id,
    schoolYearId: world.year.id,
    activityTypeId: world.drill.id,
    scenarioCode: 'fire_evacuation',
    title: 'Diễn tập thoát nạn khi có cháy',
    startsAt: '2025-10-15T00:30:00.000Z',
    endsAt: '2025-10-15T02:00:00.000Z',
    place: 'Sân trường',
    audience: { classIds: [], grades: [1, 2], staff: true, youthStaffOnly: false, parents: false },
    facilitatorPersonId: null,
    trainerUserId: null,
    materialIds: [],
    periods: null,
    status: 'planned',
    revision: 2,
    createdBy: randomUUID(),
    seriesId: null,
    ...overrides,
  };
}

export async function seedWorld(device: Device, world: PlanWorld): Promise<void> {
  await device.db.entity('unit').bulkPut([world.department, world.commune, world.school]);
  await device.db.entity('schoolYear').put(world.year);
  await device.db.entity('class').bulkPut(world.classes);
  await device.db.entity('person').bulkPut(world.staff);
  await device.db.entity('activityType').bulkPut([world.drill, world.traffic]);
}

const Blank = defineComponent({ render: () => null });

/** A device signed in as a user with these grants, with the planning pages routed. */
export async function plannerDevice(world: PlanWorld, grants: (w: PlanWorld) => RoleGrant[], now: () => number): Promise<{ device: Device; userId: string }> {
  const device = makeDevice(now);
  device.router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'home', component: Blank },
      { path: '/buoi', name: 'sessions', component: Blank },
      { path: '/cai-dat', name: 'settings', component: Blank },
      { path: '/can-xu-ly', name: 'needs-attention', component: Blank },
      { path: '/ke-hoach/buoi-moi', name: 'plan-session-new', component: SessionFormPage },
      { path: '/ke-hoach/buoi/:id/sua', name: 'plan-session-edit', component: SessionFormPage },
      { path: '/ke-hoach/de-xuat', name: 'plan-proposal', component: ProposalPage },
    ],
  });
  device.plugins[2] = device.router;
  await seedWorld(device, world);
  const account = makeAccount('Hiệu trưởng Dịch Vọng');
  account.user.grants = grants(world);
  await signInOnDevice(device, account);
  return { device, userId: account.userId };
}

export const principalOf = (w: PlanWorld): RoleGrant[] => [{ role: 'principal', unitId: w.school.id, unitName: w.school.name }];
export const officerOf = (w: PlanWorld): RoleGrant[] => [{ role: 'officer', unitId: w.commune.id, unitName: w.commune.name }];
