import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import type { Pinia } from 'pinia';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import type { Role } from '../../../../src/shared/auth';
import type { ActivityType, Class, Requirement, SchoolYear, Session, Unit } from '../../../../src/shared/domain';
import { createApiClient } from '../../../../src/client/api';
import type { TruongAnDb } from '../../../../src/client/db/database';
import type { Runtime } from '../../../../src/client/sync/runtime';
import CalendarPage from '../../../../src/client/features/calendar/CalendarPage.vue';
import DuePage from '../../../../src/client/features/due/DuePage.vue';
import PrintPlanPage from '../../../../src/client/features/exports/PrintPlanPage.vue';
import { FakeServer } from '../sync/fake-server';
import { freshDb } from '../sync/harness';
import { configureTestRuntime, restoreSignedIn } from '../helpers/runtime';

export { globalPlugins } from '../helpers/mount';

/** The Sở, a ward with a primary school (and a second school), a cluster, the 2025-2026 year and three activity types. */
export interface PlanFixture {
  department: Unit;
  commune: Unit;
  cluster: Unit;
  school: Unit;
  otherSchool: Unit;
  year: SchoolYear;
  classes: Class[];
  types: { drill: ActivityType; legal: ActivityType; traffic: ActivityType };
}

const unit = (kind: Unit['kind'], name: string, parentId: string | null, clusterId: string | null = null): Unit => ({
  id: randomUUID(),
  kind,
  name,
  code: null,
  parentId,
  clusterId,
  schoolLevel: kind === 'school' ? 'th' : null,
  status: 'active',
});

function activityType(departmentId: string, code: ActivityType['code'], name: string, nameEn: string): ActivityType {
  return {
    id: randomUUID(),
    ownerUnitId: departmentId,
    code,
    name,
    nameEn,
    scenarios:
      code === 'drill'
        ? [
            { code: 'fire_evacuation', name: 'Cháy, thoát nạn', nameEn: 'Fire and evacuation' },
            { code: 'earthquake', name: 'Động đất', nameEn: 'Earthquake' },
          ]
        : [],
    audiences: ['students', 'staff'],
    indicators: [],
    carriesCommitment: code === 'traffic_safety',
    carriesPeriods: false,
  };
}

export function planFixture(): PlanFixture {
  const department = unit('department', 'Sở GDĐT Hà Nội', null);
  const cluster = unit('cluster', 'Cụm chuyên môn số 1', department.id);
  const commune = unit('commune', 'Phường Cầu Giấy', department.id);
  const school = unit('school', 'Trường Tiểu học Dịch Vọng', commune.id, cluster.id);
  const otherSchool = unit('school', 'Trường Tiểu học Nghĩa Tân', commune.id, cluster.id);
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
  const classes: Class[] = ['3A1', '4A1'].map((name) => ({
    id: randomUUID(),
    schoolId: school.id,
    schoolYearId: year.id,
    grade: Number(name[0]),
    name,
    code: null,
    homeroomPersonId: null,
    status: 'active',
  }));
  return {
    department,
    commune,
    cluster,
    school,
    otherSchool,
    year,
    classes,
    types: {
      drill: activityType(department.id, 'drill', 'Diễn tập PCCC và CNCH', 'Fire and rescue drill'),
      legal: activityType(department.id, 'legal_education', 'Tuyên truyền, phổ biến pháp luật', 'Legal education'),
      traffic: activityType(department.id, 'traffic_safety', 'An toàn giao thông', 'Traffic safety'),
    },
  };
}

/** A session of the fixture's school at a UTC instant, 90 minutes long unless told otherwise. */
export function sessionOf(fixture: PlanFixture, startsAt: string, overrides: Partial<Session> = {}): Session {
  return {
    id: randomUUID(),
    schoolId: fixture.school.id,
    scopeUnitId: fixture.school.id,
    schoolYearId: fixture.year.id,
    activityTypeId: fixture.types.legal.id,
    scenarioCode: null,
    title: 'Tuyên truyền pháp luật',
    startsAt,
    endsAt: new Date(Date.parse(startsAt) + 90 * 60_000).toISOString(),
    place: 'Sân trường',
    audience: { classIds: [], grades: [3, 4], staff: false, youthStaffOnly: false, parents: false },
    facilitatorPersonId: null,
    trainerUserId: null,
    materialIds: [],
    periods: null,
    status: 'planned',
    revision: 0,
    createdBy: randomUUID(),
    seriesId: null,
    ...overrides,
  };
}

export function requirementOf(
  fixture: PlanFixture,
  overrides: Partial<Requirement> & Pick<Requirement, 'title' | 'activityTypeId' | 'frequency' | 'audience'>,
): Requirement {
  return {
    id: randomUUID(),
    ownerUnitId: fixture.department.id,
    schoolYearId: fixture.year.id,
    target: { kind: 'all' },
    scenarioCode: null,
    rotateScenarios: false,
    indicator: null,
    ...overrides,
  };
}

export interface Harness {
  db: TruongAnDb;
  runtime: Runtime;
  pinia: Pinia;
  server: FakeServer;
  userId: string;
}

/**
 * The real runtime on fake-indexeddb with a user of the given role signed in and the plan's rows on the device,
 * as a pull would have left them. School roles work at the fixture's school; an officer at the ward.
 */
export async function signedIn(
  role: Role,
  fixture: PlanFixture,
  rows: { sessions?: Session[]; requirements?: Requirement[] } = {},
): Promise<Harness> {
  const db = freshDb();
  const server = new FakeServer();
  const runtime = configureTestRuntime({
    db,
    api: createApiClient({ fetch: server.fetch }),
    isOnline: () => false,
    crypto: { iterations: 1_000 },
  });
  const units = [fixture.department, fixture.cluster, fixture.commune, fixture.school, fixture.otherSchool];
  await db.entity('unit').bulkPut(units);
  await db.entity('schoolYear').put(fixture.year);
  await db.entity('class').bulkPut(fixture.classes);
  await db.entity('activityType').bulkPut(Object.values(fixture.types));
  await db.entity('requirement').bulkPut(rows.requirements ?? []);
  await db.entity('session').bulkPut(rows.sessions ?? []);

  const grantUnit = role === 'officer' ? fixture.commune : fixture.school;
  const user = server.addUser(`${role}.test`, 'mat-khau-dung', {
    displayName: 'Cô Hạnh',
    grants: [{ role, unitId: grantUnit.id, unitName: grantUnit.name }],
  });
  const pinia = await restoreSignedIn(db, server, user);
  return { db, runtime, pinia, server, userId: user.id };
}

const Stub = { template: '<div />' };

/** The plan's pages, with stand-ins for the pages they link to. */
export function planRouter(): Router {
  return createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'home', component: Stub, meta: { titleKey: 'home.title' } },
      { path: '/lich', name: 'calendar', component: CalendarPage, meta: { titleKey: 'calendar.title' } },
      { path: '/can-lam', name: 'due', component: DuePage, meta: { titleKey: 'due.title' } },
      { path: '/ke-hoach/in', name: 'plan-print', component: PrintPlanPage, meta: { titleKey: 'exports.titleNoYear' } },
      { path: '/ke-hoach/buoi-moi', name: 'plan-session-new', component: Stub, meta: { titleKey: 'home.title' } },
      { path: '/buoi/:sessionId/diem-danh', name: 'attendance', component: Stub, meta: { titleKey: 'home.title' } },
    ],
  });
}
