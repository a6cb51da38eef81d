import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import type { Pinia } from 'pinia';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import type { Class, Person, Session, Unit } from '../../../../src/shared/domain';
import { createApiClient } from '../../../../src/client/api';
import type { TruongAnDb } from '../../../../src/client/db/database';
import type { Runtime } from '../../../../src/client/sync/runtime';
import AttendancePage from '../../../../src/client/features/attendance/AttendancePage.vue';
import SessionsPage from '../../../../src/client/features/attendance/SessionsPage.vue';
import { FakeServer } from '../sync/fake-server';
import { freshDb } from '../sync/harness';
import { configureTestRuntime, restoreSignedIn } from '../helpers/runtime';

export { globalPlugins } from '../helpers/mount';

/** A ward, a cluster and a school with two grade-6 classes, staff and a session for them: what a teacher's tablet pulls. */
export interface SchoolFixture {
  department: Unit;
  commune: Unit;
  cluster: Unit;
  school: Unit;
  otherSchool: Unit;
  schoolYearId: string;
  classes: Class[];
  people: Person[];
  session: Session;
}

const unit = (kind: Unit['kind'], name: string, parentId: string | null, clusterId: string | null = null): Unit => ({
  id: randomUUID(),
  kind,
  name,
  code: null,
  parentId,
  clusterId,
  schoolLevel: kind === 'school' ? 'thcs' : null,
  status: 'active',
});

export function person(schoolId: string, kind: Person['kind'], fullName: string, classId: string | null = null): Person {
  return {
    id: randomUUID(),
    schoolId,
    kind,
    fullName,
    code: null,
    birthYear: kind === 'student' ? 2013 : 1985,
    sex: null,
    classId,
    roleTags: kind === 'staff' ? ['teacher'] : [],
    studentIds: [],
    status: 'active',
    joinedOn: null,
    leftOn: null,
  };
}

export function sessionAt(
  fixture: Pick<SchoolFixture, 'school' | 'schoolYearId'>,
  overrides: Partial<Session> = {},
): Session {
  const startsAt = overrides.startsAt ?? new Date(Date.now() + 3600_000).toISOString();
  return {
    id: randomUUID(),
    schoolId: fixture.school.id,
    scopeUnitId: fixture.school.id,
    schoolYearId: fixture.schoolYearId,
    activityTypeId: randomUUID(),
    scenarioCode: null,
    title: 'Tuyên truyền pháp luật về an toàn giao thông',
    startsAt,
    endsAt: new Date(Date.parse(startsAt) + 2 * 3600_000).toISOString(),
    place: 'Hội trường',
    audience: { classIds: [], grades: [6], staff: true, youthStaffOnly: false, parents: false },
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

export function makeFixture(studentsPerClass: string[][] = DEFAULT_CLASSES): SchoolFixture {
  const department = unit('department', 'Sở GDĐT Hà Nội', null);
  const cluster = unit('cluster', 'Cụm chuyên môn số 1', department.id);
  const commune = unit('commune', 'Phường Cầu Giấy', department.id);
  const school = unit('school', 'Trường THCS Nguyễn Trãi', commune.id, cluster.id);
  const otherSchool = unit('school', 'Trường THCS Yên Hòa', commune.id, cluster.id);
  const schoolYearId = randomUUID();
  const classes: Class[] = studentsPerClass.map((_, i) => ({
    id: randomUUID(),
    schoolId: school.id,
    schoolYearId,
    grade: 6,
    name: `6A${i + 1}`,
    code: null,
    homeroomPersonId: null,
    status: 'active',
  }));
  const people: Person[] = [
    ...studentsPerClass.flatMap((names, i) => names.map((n) => person(school.id, 'student', n, classes[i]!.id))),
    person(school.id, 'staff', 'Phạm Thị Hoa'),
    person(school.id, 'staff', 'Đỗ Minh Đức'),
  ];
  const fixture = { department, commune, cluster, school, otherSchool, schoolYearId, classes, people };
  return { ...fixture, session: sessionAt(fixture) };
}

const DEFAULT_CLASSES = [
  ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Văn Cường'],
  ['Nguyễn Thị Lệ', 'Hoàng Văn Đức', 'Vũ Thị Lê'],
];

export interface Harness {
  db: TruongAnDb;
  server: FakeServer;
  runtime: Runtime;
  pinia: Pinia;
  online: { value: boolean };
  userId: string;
}

/** The real runtime (Dexie on fake-indexeddb, the engine, a fake server) with a teacher of the fixture's school signed in. */
export async function signedInTeacher(fixture: SchoolFixture, extra: { sessions?: Session[] } = {}): Promise<Harness> {
  const db = freshDb();
  const server = new FakeServer();
  const online = { value: false };
  const runtime = configureTestRuntime({
    db,
    api: createApiClient({ fetch: server.fetch }),
    isOnline: () => online.value,
    crypto: { iterations: 1_000 },
  });
  const sessions = [fixture.session, ...(extra.sessions ?? [])];
  const units = [fixture.department, fixture.cluster, fixture.commune, fixture.school];
  for (const s of sessions) server.put('session', s);
  for (const p of fixture.people) server.put('person', p);
  await db.entity('unit').bulkPut(units);
  await db.entity('class').bulkPut(fixture.classes);
  await db.entity('person').bulkPut(fixture.people);
  await db.entity('session').bulkPut(sessions);

  const user = server.addUser('gv.nguyentrai', 'mat-khau-dung', {
    displayName: 'Cô Lan',
    grants: [{ role: 'teacher', unitId: fixture.school.id, unitName: fixture.school.name }],
  });
  const pinia = await restoreSignedIn(db, server, user);
  return { db, server, runtime, pinia, online, userId: user.id };
}

export function testRouter(): Router {
  return createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'home', component: { template: '<div />' }, meta: { titleKey: 'home.title' } },
      { path: '/buoi', name: 'sessions', component: SessionsPage, meta: { titleKey: 'attendance.sessions.title' } },
      {
        path: '/buoi/:sessionId/diem-danh',
        name: 'attendance',
        component: AttendancePage,
        meta: { titleKey: 'attendance.sheet.title' },
      },
      // The sheet links to these: named routes must exist for its links to render.
      { path: '/buoi/:sessionId/cam-ket', name: 'commitments', component: { template: '<div />' }, meta: { titleKey: 'commitments.title' } },
      { path: '/buoi/:sessionId/bien-ban', name: 'session-minutes', component: { template: '<div />' }, meta: { titleKey: 'commitments.minutes.title' } },
      { path: '/buoi/:sessionId/dien-tap', name: 'drill', component: { template: '<div />' }, meta: { titleKey: 'home.title' } },
    ],
  });
}
