import type { FastifyInstance } from 'fastify';
import type { Response as InjectResponse } from 'light-my-request';
import { expect } from 'vitest';
import { newId } from '../../src/shared/domain/ids';
import { SCHEMA_VERSION } from '../../src/shared/sync/wire';
import { PASSWORD, type Fixture, type FixtureUser } from './fixtures';
import { ORG_ROUTES } from './org-routes';
import { COVERAGE_ROUTES } from './coverage-routes';
import { IMPORT_ROUTES } from './import-routes';
import { storeFile, tinyPdf } from './material-files';

/**
 * Every HTTP route of the server, with what each fixture user may do on it. The access matrix, the malformed-input
 * suite and the coverage check (every route Fastify knows must be listed here) are built on this list, so a new
 * route is not done until it has an entry.
 *
 * To add a route: append a `RouteEntry` to `ROUTES`. `request` builds a valid request (fresh ids on every call,
 * so repeating it is safe); `expect` says, per fixture user, whether the route lets that user do it.
 */

export type Outcome = 'allow' | 'deny';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export const FIXTURE_USERS: FixtureUser[] = [
  'teacherA',
  'principalA',
  'teacherB',
  'principalB',
  'teacherC',
  'officerCommuneA',
  'officerCluster',
  'officerDept',
  'trainer',
  'admin',
  'nobody',
];

/** The schools whose rows each fixture user may read (see the tree in fixtures.ts). */
export function schoolsInScope(f: Fixture, user: FixtureUser): string[] {
  const all = [f.schoolA, f.schoolB, f.schoolC];
  const byUser: Record<FixtureUser, string[]> = {
    teacherA: [f.schoolA],
    principalA: [f.schoolA],
    teacherB: [f.schoolB],
    principalB: [f.schoolB],
    teacherC: [f.schoolC],
    officerCommuneA: [f.schoolA],
    officerCluster: [f.schoolA, f.schoolC],
    officerDept: all,
    // A trainer reaches schools only through the sessions assigned to them (session B).
    trainer: [f.schoolB],
    admin: all,
    nobody: [],
  };
  return byUser[user];
}

export interface RequestSpec {
  /** Path with the query string. */
  url: string;
  /** JSON body; absent for requests without a body. */
  payload?: unknown;
}

export interface RequestContext {
  f: Fixture;
  /** The user the request is made for (public routes such as sign-in use it for the body). */
  user: FixtureUser;
}

export interface MalformedCase {
  name: string;
  request(f: Fixture): RequestSpec;
  /** Fields the 400 answer must name (dotted paths as `describeIssues` writes them). */
  fields: string[];
}

export interface RouteEntry {
  method: HttpMethod;
  /** The path exactly as the route is registered in Fastify (with `:params`). */
  path: string;
  /** Answers without a token. Every other route must answer 401 without one. */
  public?: boolean;
  /**
   * The route is being written in parallel: the entry is used only when Fastify knows the route. Remove the flag once
   * the route exists, so that losing it fails the coverage check.
   */
  optional?: boolean;
  /** Uses up the token it is called with (logout, refresh): the matrix signs in afresh for each call. */
  spendsToken?: boolean;
  /** The route takes a JSON body: the malformed suite also sends non-JSON, the wrong content type and too much. */
  jsonBody?: boolean;
  /** The route's own body limit in bytes (Fastify's default for the app is 1 MiB). */
  bodyLimit?: number;
  request(ctx: RequestContext): RequestSpec;
  expect: Record<FixtureUser, Outcome>;
  /**
   * For routes that answer 200 and report a refusal inside the body (a sync push rejects mutations one by one).
   * Default: 2xx is allow, 403 and 404 are deny, anything else is a failure of the test.
   */
  judge?(res: InjectResponse): Outcome;
  /** Extra checks on an allowed answer (e.g. a pull carries only rows in the user's scope). */
  check?(res: InjectResponse, ctx: RequestContext): void;
  /**
   * A user asks for something that exists outside their scope, and for a random id that does not exist: the two
   * answers must be the same, so that a refusal does not tell whether the target exists.
   */
  scopeProbe?: {
    user: FixtureUser;
    outOfScope(f: Fixture): RequestSpec;
    nonexistent(f: Fixture): RequestSpec;
  };
  /** Bad inputs with the fields the 400 must name. */
  malformed?: MalformedCase[];
}

const everyone = (outcome: Outcome): Record<FixtureUser, Outcome> =>
  Object.fromEntries(FIXTURE_USERS.map((u) => [u, outcome])) as Record<FixtureUser, Outcome>;

const only = (...users: FixtureUser[]): Record<FixtureUser, Outcome> =>
  Object.fromEntries(FIXTURE_USERS.map((u) => [u, users.includes(u) ? 'allow' : 'deny'])) as Record<FixtureUser, Outcome>;

const longString = (n: number) => 'x'.repeat(n);

function pushBody(mutations: Array<{ name: string; args: unknown }>) {
  return {
    clientId: `test-device-${newId()}`,
    schemaVersion: SCHEMA_VERSION,
    mutations: mutations.map((m) => ({ id: newId(), name: m.name, args: m.args, clientTime: new Date().toISOString() })),
  };
}

const markAttendance = (sessionId: string, personId: string) =>
  pushBody([{ name: 'attendance.mark', args: { sessionId, personId, status: 'present' } }]);

/** A school session at school A, inside the fixture's school year: who may plan it is who may plan at school A. */
const createSessionAt = (f: Fixture, schoolId: string) =>
  pushBody([
    {
      name: 'session.create',
      args: {
        id: newId(),
        schoolId,
        scopeUnitId: schoolId,
        schoolYearId: f.schoolYear,
        seriesId: null,
        title: 'Tuyên truyền pháp luật cho cán bộ',
        activityTypeId: f.activityType,
        scenarioCode: null,
        startsAt: '2026-03-10T07:00:00.000Z',
        endsAt: '2026-03-10T08:30:00.000Z',
        place: null,
        audience: { classIds: [], grades: [], staff: true, youthStaffOnly: false, parents: false },
        facilitatorPersonId: null,
        trainerUserId: null,
        materialIds: [],
        periods: null,
      },
    },
  ]);

/** A requirement of the department for every school: kept by department officers only. */
const saveDepartmentRequirement = (f: Fixture, ownerUnitId = f.department) =>
  pushBody([
    {
      name: 'requirement.save',
      args: {
        id: newId(),
        ownerUnitId,
        schoolYearId: f.schoolYear,
        title: 'Mỗi cán bộ tham gia 1 buổi tuyên truyền pháp luật',
        target: { kind: 'all' },
        activityTypeId: f.activityType,
        scenarioCode: null,
        rotateScenarios: false,
        frequency: { kind: 'year', count: 1 },
        audience: { kind: 'staff', grade: null },
        indicator: 'staff_legal_education',
      },
    },
  ]);

/** Bad queries of GET /api/due. */
function dueMalformed(): MalformedCase[] {
  return [
    { name: 'no unit', request: () => ({ url: '/api/due?' }), fields: ['unitId'] },
    {
      name: 'ids that are not UUIDs',
      request: () => ({ url: '/api/due?unitId=phuong-a&schoolYearId=2025-2026' }),
      fields: ['unitId', 'schoolYearId'],
    },
    { name: 'extra-long unit id', request: () => ({ url: `/api/due?unitId=${longString(5000)}` }), fields: ['unitId'] },
  ];
}

/** A material for a library, on a PDF already in the file store (tests/helpers/material-files.ts). */
const newMaterial = (ownerUnitId: string, schoolId: string | null) => ({
  sha256: storeFile(tinyPdf('catalogue')),
  title: 'Tài liệu tuyên truyền an toàn giao thông',
  ownerUnitId,
  schoolId,
  tags: ['atgt'],
});

/** A draft report body for PUT /api/reports/:id. */
const reportDraft = (unitId: string, schoolYearId: string, kind: 'term1' | 'year' = 'term1') => ({
  unitId,
  schoolYearId,
  kind,
  notableResults: 'Tập thể lớp 5A1 đạt thành tích xuất sắc trong diễn tập PCCC',
});

/** Bad queries of GET /api/reports. */
function reportListMalformed(): MalformedCase[] {
  return [
    { name: 'no unit', request: () => ({ url: '/api/reports?' }), fields: ['unitId'] },
    {
      name: 'ids that are not UUIDs',
      request: () => ({ url: '/api/reports?unitId=phuong-a&schoolYearId=2025-2026' }),
      fields: ['unitId', 'schoolYearId'],
    },
  ];
}

/** 64 random hex digits: the hash of a file nobody has. */
const randomSha256 = () => (newId() + newId()).replace(/-/g, '').slice(0, 64);

/** The announcement of a file upload (POST /api/files/uploads) of a fresh, unknown file. */
const announceFile = (purpose: 'evidence' | 'material') => ({
  sha256: randomSha256(),
  size: 1000,
  mime: purpose === 'evidence' ? 'image/jpeg' : 'application/pdf',
  name: purpose === 'evidence' ? 'anh-dien-tap.jpg' : 'tai-lieu.pdf',
  purpose,
});

interface PushResult {
  id: string;
  status: 'applied' | 'duplicate' | 'rejected';
  error?: string;
}

function judgePush(res: InjectResponse): Outcome {
  if (res.statusCode === 403 || res.statusCode === 404) return 'deny';
  if (res.statusCode !== 200) throw new Error(`push answered ${res.statusCode}: ${res.body}`);
  const { results } = res.json() as { results: PushResult[] };
  return results.every((r) => r.status === 'applied' || r.status === 'duplicate') ? 'allow' : 'deny';
}

interface PulledChange {
  entity: string;
  op: string;
  row: Record<string, unknown>;
}

export const ROUTES: RouteEntry[] = [
  {
    method: 'GET',
    path: '/api/health',
    public: true,
    request: () => ({ url: '/api/health' }),
    expect: everyone('allow'),
  },
  {
    method: 'POST',
    path: '/api/auth/login',
    public: true,
    jsonBody: true,
    bodyLimit: 4096,
    request: ({ user }) => ({ url: '/api/auth/login', payload: { username: user.toLowerCase(), password: PASSWORD } }),
    // Any active account may sign in, even one without a role: it then sees nothing.
    expect: everyone('allow'),
    malformed: [
      { name: 'missing fields', request: () => ({ url: '/api/auth/login', payload: {} }), fields: ['username', 'password'] },
      {
        name: 'wrong types',
        request: () => ({ url: '/api/auth/login', payload: { username: 42, password: ['a'] } }),
        fields: ['username', 'password'],
      },
      {
        name: 'extra-long strings',
        request: () => ({ url: '/api/auth/login', payload: { username: longString(101), password: longString(201) } }),
        fields: ['username', 'password'],
      },
      {
        name: 'empty username',
        request: () => ({ url: '/api/auth/login', payload: { username: '   ', password: PASSWORD } }),
        fields: ['username'],
      },
      { name: 'an array instead of an object', request: () => ({ url: '/api/auth/login', payload: [] }), fields: ['(body)'] },
    ],
  },
  {
    method: 'GET',
    path: '/api/auth/me',
    request: () => ({ url: '/api/auth/me' }),
    expect: everyone('allow'),
    check: (res, { f, user }) => expect((res.json() as { id: string }).id).toBe(f.users[user]),
  },
  {
    method: 'POST',
    path: '/api/auth/refresh',
    spendsToken: true,
    bodyLimit: 1024,
    request: () => ({ url: '/api/auth/refresh' }),
    expect: everyone('allow'),
  },
  {
    method: 'POST',
    path: '/api/auth/logout',
    spendsToken: true,
    bodyLimit: 1024,
    request: () => ({ url: '/api/auth/logout' }),
    expect: everyone('allow'),
  },
  {
    method: 'POST',
    path: '/api/auth/password',
    jsonBody: true,
    bodyLimit: 4096,
    // The same password again: the matrix must leave every account able to sign in.
    request: () => ({ url: '/api/auth/password', payload: { currentPassword: PASSWORD, newPassword: PASSWORD } }),
    expect: everyone('allow'),
    malformed: [
      {
        name: 'missing fields',
        request: () => ({ url: '/api/auth/password', payload: {} }),
        fields: ['currentPassword', 'newPassword'],
      },
      {
        name: 'wrong types',
        request: () => ({ url: '/api/auth/password', payload: { currentPassword: true, newPassword: 1234567890 } }),
        fields: ['currentPassword', 'newPassword'],
      },
      {
        name: 'extra-long strings',
        request: () => ({ url: '/api/auth/password', payload: { currentPassword: longString(201), newPassword: longString(201) } }),
        fields: ['currentPassword', 'newPassword'],
      },
      {
        name: 'new password too short',
        request: () => ({ url: '/api/auth/password', payload: { currentPassword: PASSWORD, newPassword: 'short' } }),
        fields: ['newPassword'],
      },
    ],
  },
  {
    method: 'POST',
    path: '/api/sync/push',
    optional: true,
    jsonBody: true,
    // A batch of 500 marks with long notes nears 1 MiB: the route allows 4 MiB (src/server/routes/sync.ts).
    bodyLimit: 4 * 1024 * 1024,
    request: ({ f }) => ({ url: '/api/sync/push', payload: markAttendance(f.sessions.A, f.students.A[0]!) }),
    // Recording at school A: its teacher and principal, and an admin (who may act anywhere, see Access.canRecordAt).
    expect: only('teacherA', 'principalA', 'admin'),
    judge: judgePush,
    scopeProbe: {
      user: 'teacherB',
      outOfScope: (f) => ({ url: '/api/sync/push', payload: markAttendance(f.sessions.A, f.students.A[0]!) }),
      nonexistent: () => ({ url: '/api/sync/push', payload: markAttendance(newId(), newId()) }),
    },
    malformed: [
      {
        name: 'missing fields',
        request: () => ({ url: '/api/sync/push', payload: {} }),
        fields: ['clientId', 'schemaVersion', 'mutations'],
      },
      {
        name: 'wrong types',
        request: () => ({ url: '/api/sync/push', payload: { clientId: 7, schemaVersion: 'one', mutations: {} } }),
        fields: ['clientId', 'schemaVersion', 'mutations'],
      },
      {
        name: 'bad mutation envelope',
        request: () => ({
          url: '/api/sync/push',
          payload: {
            clientId: 'test-device-1',
            schemaVersion: SCHEMA_VERSION,
            mutations: [{ id: 'not-a-uuid', name: longString(61), args: {}, clientTime: 'yesterday' }],
          },
        }),
        fields: ['mutations.0.id', 'mutations.0.name', 'mutations.0.clientTime'],
      },
      {
        name: 'extra-long client id',
        request: () => ({
          url: '/api/sync/push',
          payload: { ...markAttendance(newId(), newId()), clientId: longString(101) },
        }),
        fields: ['clientId'],
      },
    ],
  },
  {
    method: 'GET',
    path: '/api/sync/pull',
    optional: true,
    // A fresh device per call, as the engine sends it: a clientId is bound to the first user who syncs with it.
    request: () => ({ url: `/api/sync/pull?limit=5000&clientId=test-device-${newId()}` }),
    // Every signed-in user pulls; what they receive is limited to their scope (checked below).
    expect: everyone('allow'),
    check: (res, { f, user }) => {
      const allowed = new Set(schoolsInScope(f, user));
      const { changes } = res.json() as { changes: PulledChange[] };
      for (const c of changes) {
        const school = c.row.schoolId;
        if (typeof school === 'string') expect(allowed, `${user} pulled a ${c.entity} of ${school}`).toContain(school);
      }
    },
    malformed: [
      {
        name: 'wrong types in the query',
        request: () => ({ url: '/api/sync/pull?limit=many&schemaVersion=x' }),
        fields: ['limit', 'schemaVersion'],
      },
      { name: 'limit out of range', request: () => ({ url: '/api/sync/pull?limit=0' }), fields: ['limit'] },
      {
        name: 'extra-long client id',
        request: () => ({ url: `/api/sync/pull?clientId=${longString(101)}` }),
        fields: ['clientId'],
      },
      { name: 'client id too short', request: () => ({ url: '/api/sync/pull?clientId=abc' }), fields: ['clientId'] },
      {
        name: 'extra-long cursor',
        request: () => ({ url: `/api/sync/pull?cursor=${longString(200_001)}` }),
        fields: ['cursor'],
      },
    ],
  },
  {
    // The same route, planning: a session at school A may be planned by its principal and the officers covering it.
    method: 'POST',
    path: '/api/sync/push',
    // Its body's malformed cases are listed on the first entry of the route.
    bodyLimit: 4 * 1024 * 1024,
    request: ({ f }) => ({ url: '/api/sync/push', payload: createSessionAt(f, f.schoolA) }),
    expect: only('principalA', 'officerCommuneA', 'officerCluster', 'officerDept', 'admin'),
    judge: judgePush,
    scopeProbe: {
      user: 'principalB',
      outOfScope: (f) => ({ url: '/api/sync/push', payload: createSessionAt(f, f.schoolA) }),
      nonexistent: (f) => ({ url: '/api/sync/push', payload: createSessionAt(f, newId()) }),
    },
  },
  {
    // The same route, the plan's requirements: the department's are kept by department officers (and admins).
    method: 'POST',
    path: '/api/sync/push',
    // Its body's malformed cases are listed on the first entry of the route.
    bodyLimit: 4 * 1024 * 1024,
    request: ({ f }) => ({ url: '/api/sync/push', payload: saveDepartmentRequirement(f) }),
    expect: only('officerDept', 'admin'),
    judge: judgePush,
    scopeProbe: {
      user: 'officerCommuneA',
      outOfScope: (f) => ({ url: '/api/sync/push', payload: saveDepartmentRequirement(f, f.communeB) }),
      nonexistent: (f) => ({ url: '/api/sync/push', payload: saveDepartmentRequirement(f, newId()) }),
    },
  },
  {
    method: 'GET',
    path: '/api/calendar/feed/:token',
    // The token in the path is the credential: calendar apps subscribe without signing in. Listed before the POST,
    // which makes a new feed URL and so revokes the fixture's.
    public: true,
    request: ({ f, user }) => ({ url: `/api/calendar/feed/${f.calendarFeeds[user]}` }),
    expect: everyone('allow'),
    check: (res, { f, user }) => {
      expect(res.headers['content-type']).toMatch(/^text\/calendar/);
      const allowed = new Set(schoolsInScope(f, user).map((s) => (s === f.schoolA ? f.sessions.A : s === f.schoolB ? f.sessions.B : f.sessions.C)));
      for (const uid of calendarUids(res.body)) {
        if (Object.values(f.sessions).includes(uid)) expect(allowed, `${user}'s calendar shows session ${uid}`).toContain(uid);
      }
    },
  },
  {
    method: 'POST',
    path: '/api/calendar/feed',
    bodyLimit: 1024,
    request: () => ({ url: '/api/calendar/feed' }),
    // Every signed-in user has a calendar of what concerns them.
    expect: everyone('allow'),
    check: (res) => expect((res.json() as { url: string }).url).toMatch(/\/api\/calendar\/feed\/[A-Za-z0-9_-]{43}$/),
  },
  {
    // What is due at a unit's schools, worked out on the server: officers covering the unit and admins.
    method: 'GET',
    path: '/api/due',
    request: ({ f }) => ({ url: `/api/due?unitId=${f.communeA}` }),
    expect: only('officerCommuneA', 'officerDept', 'admin'),
    check: (res, { f }) => {
      const { schools } = res.json() as { schools: { schoolId: string }[] };
      expect(schools.map((s) => s.schoolId)).toEqual([f.schoolA]);
    },
    scopeProbe: {
      user: 'officerCommuneA',
      outOfScope: (f) => ({ url: `/api/due?unitId=${f.communeB}` }),
      nonexistent: () => ({ url: `/api/due?unitId=${newId()}` }),
    },
    malformed: dueMalformed(),
  },
  {
    // The same route for one school: also its own teachers and principal, and the officers above it.
    method: 'GET',
    path: '/api/due',
    request: ({ f }) => ({ url: `/api/due?unitId=${f.schoolA}&schoolYearId=${f.schoolYear}` }),
    expect: only('teacherA', 'principalA', 'officerCommuneA', 'officerCluster', 'officerDept', 'admin'),
    check: (res, { f }) => {
      const body = res.json() as { schoolYear: { id: string }; schools: { schoolId: string }[] };
      expect(body.schoolYear.id).toBe(f.schoolYear);
      expect(body.schools.map((s) => s.schoolId)).toEqual([f.schoolA]);
    },
    scopeProbe: {
      user: 'teacherB',
      outOfScope: (f) => ({ url: `/api/due?unitId=${f.schoolA}` }),
      nonexistent: () => ({ url: `/api/due?unitId=${newId()}` }),
    },
    malformed: dueMalformed(),
  },
  {
    // Disagreeing attendance marks of a session at school A: its principal (and an admin), online.
    method: 'GET',
    path: '/api/sessions/:id/disagreements',
    request: ({ f }) => ({ url: `/api/sessions/${f.sessions.A}/disagreements` }),
    expect: only('principalA', 'admin'),
    check: (res, { f }) => expect((res.json() as { sessionId: string }).sessionId).toBe(f.sessions.A),
    scopeProbe: {
      user: 'principalB',
      outOfScope: (f) => ({ url: `/api/sessions/${f.sessions.A}/disagreements` }),
      nonexistent: () => ({ url: `/api/sessions/${newId()}/disagreements` }),
    },
    malformed: [
      { name: 'id that is not a UUID', request: () => ({ url: '/api/sessions/buoi-1/disagreements' }), fields: ['id'] },
    ],
  },
  // Material library (materials helper, issue #6). The fixture has school A's own material and one in the Sở library.
  {
    method: 'GET',
    path: '/api/materials',
    request: () => ({ url: '/api/materials?limit=200' }),
    // Everyone may search; what they find is limited to their libraries (checked below).
    expect: everyone('allow'),
    check: (res, { f, user }) => {
      const { items } = res.json() as { items: { id: string; schoolId: string | null }[] };
      const readable = new Set(user === 'trainer' ? [] : schoolsInScope(f, user));
      for (const m of items) if (m.schoolId !== null) expect(readable, `${user} found a material of ${m.schoolId}`).toContain(m.schoolId);
      const ids = items.map((m) => m.id);
      if (user !== 'nobody') expect(ids).toContain(f.materials.department);
      expect(ids.includes(f.materials.A)).toBe(readable.has(f.schoolA));
    },
    malformed: [
      {
        name: 'bad filters',
        request: () => ({ url: '/api/materials?activityTypeId=atgt&limit=0&offset=-1' }),
        fields: ['activityTypeId', 'limit', 'offset'],
      },
      { name: 'extra-long query', request: () => ({ url: `/api/materials?q=${longString(201)}` }), fields: ['q'] },
    ],
  },
  {
    // A school's own material: only who reads that school's data.
    method: 'GET',
    path: '/api/materials/:id',
    request: ({ f }) => ({ url: `/api/materials/${f.materials.A}` }),
    expect: only('teacherA', 'principalA', 'officerCommuneA', 'officerCluster', 'officerDept', 'admin'),
    scopeProbe: {
      user: 'teacherB',
      outOfScope: (f) => ({ url: `/api/materials/${f.materials.A}` }),
      nonexistent: () => ({ url: `/api/materials/${newId()}` }),
    },
    malformed: [{ name: 'id that is not a UUID', request: () => ({ url: '/api/materials/tai-lieu-1' }), fields: ['id'] }],
  },
  {
    // The same route, the Sở library: everyone with a role under the department.
    method: 'GET',
    path: '/api/materials/:id',
    request: ({ f }) => ({ url: `/api/materials/${f.materials.department}` }),
    expect: { ...everyone('allow'), nobody: 'deny' },
  },
  {
    // Publishing into school A's own library: its principal and the officers covering it; never a teacher.
    method: 'POST',
    path: '/api/materials',
    jsonBody: true,
    bodyLimit: 64 * 1024,
    request: ({ f }) => ({ url: '/api/materials', payload: newMaterial(f.schoolA, f.schoolA) }),
    expect: only('principalA', 'officerCommuneA', 'officerCluster', 'officerDept', 'admin'),
    scopeProbe: {
      user: 'principalB',
      outOfScope: (f) => ({ url: '/api/materials', payload: newMaterial(f.schoolA, f.schoolA) }),
      nonexistent: () => {
        const school = newId();
        return { url: '/api/materials', payload: newMaterial(school, school) };
      },
    },
    malformed: [
      { name: 'missing fields', request: () => ({ url: '/api/materials', payload: {} }), fields: ['sha256', 'title', 'ownerUnitId'] },
      {
        name: 'wrong types',
        request: () => ({ url: '/api/materials', payload: { sha256: 'ABC', title: 7, ownerUnitId: 'so-gd', tags: 'atgt' } }),
        fields: ['sha256', 'title', 'ownerUnitId', 'tags'],
      },
      {
        name: 'extra-long title',
        request: (f) => ({ url: '/api/materials', payload: { ...newMaterial(f.department, null), title: longString(301) } }),
        fields: ['title'],
      },
    ],
  },
  {
    // The same route, the Sở library: department officers and trainers granted there (and admins); no teacher.
    method: 'POST',
    path: '/api/materials',
    bodyLimit: 64 * 1024,
    request: ({ f }) => ({ url: '/api/materials', payload: newMaterial(f.department, null) }),
    expect: only('officerDept', 'trainer', 'admin'),
  },
  {
    method: 'PATCH',
    path: '/api/materials/:id',
    jsonBody: true,
    bodyLimit: 64 * 1024,
    request: ({ f }) => ({ url: `/api/materials/${f.materials.A}`, payload: { title: 'Nội quy an toàn (sửa)', tags: ['pccc'] } }),
    expect: only('principalA', 'officerCommuneA', 'officerCluster', 'officerDept', 'admin'),
    scopeProbe: {
      user: 'principalB',
      outOfScope: (f) => ({ url: `/api/materials/${f.materials.A}`, payload: { title: 'x' } }),
      nonexistent: () => ({ url: `/api/materials/${newId()}`, payload: { title: 'x' } }),
    },
    malformed: [
      { name: 'nothing to change', request: (f) => ({ url: `/api/materials/${f.materials.A}`, payload: {} }), fields: ['(body)'] },
      {
        name: 'wrong types',
        request: (f) => ({ url: `/api/materials/${f.materials.A}`, payload: { title: '', tags: [1] } }),
        fields: ['title', 'tags.0'],
      },
    ],
  },
  {
    method: 'POST',
    path: '/api/materials/:id/versions',
    jsonBody: true,
    bodyLimit: 4096,
    request: ({ f, user }) => ({ url: `/api/materials/${f.materials.A}/versions`, payload: { sha256: storeFile(tinyPdf(`v-${user}`)) } }),
    expect: only('principalA', 'officerCommuneA', 'officerCluster', 'officerDept', 'admin'),
    scopeProbe: {
      user: 'principalB',
      outOfScope: (f) => ({ url: `/api/materials/${f.materials.A}/versions`, payload: { sha256: storeFile(tinyPdf('probe')) } }),
      nonexistent: () => ({ url: `/api/materials/${newId()}/versions`, payload: { sha256: storeFile(tinyPdf('probe')) } }),
    },
    malformed: [
      { name: 'missing sha256', request: (f) => ({ url: `/api/materials/${f.materials.A}/versions`, payload: {} }), fields: ['sha256'] },
      {
        name: 'sha256 not hex',
        request: (f) => ({ url: `/api/materials/${f.materials.A}/versions`, payload: { sha256: 'z'.repeat(64) } }),
        fields: ['sha256'],
      },
    ],
  },
  {
    // Archiving (listed last: the material leaves the library for the entries after it).
    method: 'DELETE',
    path: '/api/materials/:id',
    request: ({ f }) => ({ url: `/api/materials/${f.materials.A}` }),
    expect: only('principalA', 'officerCommuneA', 'officerCluster', 'officerDept', 'admin'),
    scopeProbe: {
      user: 'principalB',
      outOfScope: (f) => ({ url: `/api/materials/${f.materials.A}` }),
      nonexistent: () => ({ url: `/api/materials/${newId()}` }),
    },
    malformed: [{ name: 'id that is not a UUID', request: () => ({ url: '/api/materials/tai-lieu-1' }), fields: ['id'] }],
  },
  // Reports (coverage-ui, issue #7): term and year-end reports of school A and of commune A.
  {
    // A unit's reports and those under it: officers covering it; drafts below stay with their sender.
    method: 'GET',
    path: '/api/reports',
    request: ({ f }) => ({ url: `/api/reports?unitId=${f.communeA}&schoolYearId=${f.schoolYear}` }),
    expect: only('officerCommuneA', 'officerDept', 'admin'),
    check: (res, { f, user }) => {
      const { reports } = res.json() as { reports: { id: string; unitId: string; status: string }[] };
      for (const r of reports) expect([f.communeA, f.schoolA], `${user} listed a report of ${r.unitId}`).toContain(r.unitId);
      expect(reports.map((r) => r.id)).toContain(f.reports.submittedA);
      if (user !== 'admin') expect(reports.map((r) => r.id)).not.toContain(f.reports.draftA);
    },
    scopeProbe: {
      user: 'officerCommuneA',
      outOfScope: (f) => ({ url: `/api/reports?unitId=${f.communeB}` }),
      nonexistent: () => ({ url: `/api/reports?unitId=${newId()}` }),
    },
    malformed: reportListMalformed(),
  },
  {
    // The same route for one school: its principal (not its teachers) and the officers above it.
    method: 'GET',
    path: '/api/reports',
    request: ({ f }) => ({ url: `/api/reports?unitId=${f.schoolA}` }),
    expect: only('principalA', 'officerCommuneA', 'officerCluster', 'officerDept', 'admin'),
    check: (res, { f }) => {
      const { reports } = res.json() as { reports: { unitId: string }[] };
      for (const r of reports) expect(r.unitId).toBe(f.schoolA);
    },
    scopeProbe: {
      user: 'principalB',
      outOfScope: (f) => ({ url: `/api/reports?unitId=${f.schoolA}` }),
      nonexistent: () => ({ url: `/api/reports?unitId=${newId()}` }),
    },
    malformed: reportListMalformed(),
  },
  {
    // A school's draft: written by its principal (a fresh id each call creates a new draft).
    method: 'PUT',
    path: '/api/reports/:id',
    jsonBody: true,
    bodyLimit: 64 * 1024,
    request: ({ f }) => ({ url: `/api/reports/${newId()}`, payload: reportDraft(f.schoolA, f.schoolYear) }),
    expect: only('principalA', 'admin'),
    check: (res, { f }) => {
      const report = res.json() as { unitId: string; status: string; figures: { unitName: string } };
      expect(res.statusCode).toBe(201);
      expect(report).toMatchObject({ unitId: f.schoolA, status: 'draft', figures: { unitName: 'Trường Tiểu học A' } });
    },
    scopeProbe: {
      user: 'principalB',
      outOfScope: (f) => ({ url: `/api/reports/${newId()}`, payload: reportDraft(f.schoolA, f.schoolYear) }),
      nonexistent: (f) => ({ url: `/api/reports/${newId()}`, payload: reportDraft(newId(), f.schoolYear) }),
    },
    malformed: [
      { name: 'missing fields', request: () => ({ url: `/api/reports/${newId()}`, payload: {} }), fields: ['unitId', 'schoolYearId', 'kind', 'notableResults'] },
      {
        name: 'wrong kind and too long a text',
        request: (f) => ({
          url: `/api/reports/${newId()}`,
          payload: { ...reportDraft(f.schoolA, f.schoolYear), kind: 'term3', notableResults: longString(10_001) },
        }),
        fields: ['kind', 'notableResults'],
      },
      { name: 'an id that is not a UUID', request: (f) => ({ url: '/api/reports/bao-cao-1', payload: reportDraft(f.schoolA, f.schoolYear) }), fields: ['id'] },
    ],
  },
  {
    // A commune office's own report: the officers covering the commune.
    method: 'PUT',
    path: '/api/reports/:id',
    jsonBody: true,
    bodyLimit: 64 * 1024,
    request: ({ f }) => ({ url: `/api/reports/${newId()}`, payload: reportDraft(f.communeA, f.schoolYear, 'year') }),
    expect: only('officerCommuneA', 'officerDept', 'admin'),
    malformed: [
      {
        name: 'wrong types',
        request: (f) => ({ url: `/api/reports/${newId()}`, payload: { unitId: f.communeA, schoolYearId: 7, kind: null, notableResults: [] } }),
        fields: ['schoolYearId', 'kind', 'notableResults'],
      },
    ],
  },
  {
    method: 'GET',
    path: '/api/reports/:id',
    request: ({ f }) => ({ url: `/api/reports/${f.reports.submittedA}` }),
    expect: only('principalA', 'officerCommuneA', 'officerCluster', 'officerDept', 'admin'),
    scopeProbe: {
      user: 'principalB',
      outOfScope: (f) => ({ url: `/api/reports/${f.reports.submittedA}` }),
      nonexistent: () => ({ url: `/api/reports/${newId()}` }),
    },
    malformed: [{ name: 'an id that is not a UUID', request: () => ({ url: '/api/reports/123' }), fields: ['id'] }],
  },
  {
    method: 'GET',
    path: '/api/reports/:id/xlsx',
    request: ({ f }) => ({ url: `/api/reports/${f.reports.submittedA}/xlsx` }),
    expect: only('principalA', 'officerCommuneA', 'officerCluster', 'officerDept', 'admin'),
    check: (res) => expect(res.headers['content-type']).toMatch(/spreadsheetml/),
    scopeProbe: {
      user: 'principalB',
      outOfScope: (f) => ({ url: `/api/reports/${f.reports.submittedA}/xlsx` }),
      nonexistent: () => ({ url: `/api/reports/${newId()}/xlsx` }),
    },
    malformed: [{ name: 'an id that is not a UUID', request: () => ({ url: '/api/reports/x/xlsx' }), fields: ['id'] }],
  },
  {
    // draft → submitted by the school's principal; submitting again answers the report as it is.
    method: 'POST',
    path: '/api/reports/:id/submit',
    bodyLimit: 1024,
    request: ({ f }) => ({ url: `/api/reports/${f.reports.draftA}/submit` }),
    expect: only('principalA', 'admin'),
    check: (res) => expect((res.json() as { status: string }).status).toBe('submitted'),
    scopeProbe: {
      user: 'principalB',
      outOfScope: (f) => ({ url: `/api/reports/${f.reports.draftA}/submit` }),
      nonexistent: () => ({ url: `/api/reports/${newId()}/submit` }),
    },
    malformed: [{ name: 'an id that is not a UUID', request: () => ({ url: '/api/reports/x/submit' }), fields: ['id'] }],
  },
  {
    // submitted → acknowledged by the level above (the commune office, the cluster, the Sở), never by the sender.
    method: 'POST',
    path: '/api/reports/:id/acknowledge',
    bodyLimit: 1024,
    request: ({ f }) => ({ url: `/api/reports/${f.reports.submittedA}/acknowledge` }),
    expect: only('officerCommuneA', 'officerCluster', 'officerDept', 'admin'),
    check: (res) => expect((res.json() as { status: string }).status).toBe('acknowledged'),
    scopeProbe: {
      user: 'principalA',
      outOfScope: (f) => ({ url: `/api/reports/${f.reports.submittedA}/acknowledge` }),
      nonexistent: () => ({ url: `/api/reports/${newId()}/acknowledge` }),
    },
    malformed: [{ name: 'an id that is not a UUID', request: () => ({ url: '/api/reports/x/acknowledge' }), fields: ['id'] }],
  },
  // File uploads (src/server/routes/files.ts). Announcing a file only records an upload: a random hash is enough.
  {
    // Evidence photos and signatures: the staff who record at a school (teachers, principals), and admins.
    method: 'POST',
    path: '/api/files/uploads',
    jsonBody: true,
    bodyLimit: 4096,
    request: () => ({ url: '/api/files/uploads', payload: announceFile('evidence') }),
    expect: only('teacherA', 'principalA', 'teacherB', 'principalB', 'teacherC', 'admin'),
    check: (res) => expect(res.json()).toMatchObject({ offset: 0 }),
    malformed: [
      { name: 'missing fields', request: () => ({ url: '/api/files/uploads', payload: {} }), fields: ['sha256', 'size', 'mime', 'name', 'purpose'] },
      {
        name: 'wrong types and values',
        request: () => ({
          url: '/api/files/uploads',
          payload: { sha256: 'abc', size: -1, mime: 7, name: '   ', purpose: 'virus' },
        }),
        fields: ['sha256', 'size', 'mime', 'name', 'purpose'],
      },
      {
        name: 'extra-long strings',
        request: () => ({ url: '/api/files/uploads', payload: { ...announceFile('evidence'), mime: longString(201), name: longString(256) } }),
        fields: ['mime', 'name'],
      },
    ],
  },
  {
    // The same route, a material file: principals, officers and trainers (never a teacher), and admins.
    method: 'POST',
    path: '/api/files/uploads',
    bodyLimit: 4096,
    request: () => ({ url: '/api/files/uploads', payload: announceFile('material') }),
    expect: only('principalA', 'principalB', 'officerCommuneA', 'officerCluster', 'officerDept', 'trainer', 'admin'),
  },
  {
    // An upload is its uploader's alone: anyone else's, like a made-up id, is not found.
    method: 'GET',
    path: '/api/files/uploads/:id',
    request: () => ({ url: `/api/files/uploads/${newId()}` }),
    expect: everyone('deny'),
    malformed: [{ name: 'an id that is not a UUID', request: () => ({ url: '/api/files/uploads/x' }), fields: ['id'] }],
  },
  {
    method: 'PATCH',
    path: '/api/files/uploads/:id',
    // A chunk is at most 8 MiB, streamed (application/offset+octet-stream; JSON is refused).
    bodyLimit: 8 * 1024 * 1024,
    request: () => ({ url: `/api/files/uploads/${newId()}` }),
    expect: everyone('deny'),
  },
  {
    method: 'DELETE',
    path: '/api/files/uploads/:id',
    request: () => ({ url: `/api/files/uploads/${newId()}` }),
    expect: everyone('deny'),
    malformed: [{ name: 'an id that is not a UUID', request: () => ({ url: '/api/files/uploads/x' }), fields: ['id'] }],
  },
  {
    // A file no one may see (here: none stored with that hash) is not found for everyone; who may read a stored file is
    // tested in tests/integration/server/files-upload.test.ts.
    method: 'GET',
    path: '/api/files/:sha256',
    request: () => ({ url: `/api/files/${randomSha256()}` }),
    expect: everyone('deny'),
    malformed: [{ name: 'not a sha256', request: () => ({ url: '/api/files/ABC' }), fields: ['sha256'] }],
  },
  // Organisation, accounts and personal data (issue #8): tests/helpers/org-routes.ts.
  ...ORG_ROUTES,
  // Coverage (issue #7): tests/helpers/coverage-routes.ts.
  ...COVERAGE_ROUTES,
  // Roster imports (issue #8 item 1): tests/helpers/import-routes.ts.
  ...IMPORT_ROUTES,
];

/** The event UIDs of an iCalendar body (folded lines unfolded first). */
function calendarUids(body: string): string[] {
  return [...body.replace(/\r\n /g, '').matchAll(/^UID:([0-9a-f-]+)@truongan\r$/gm)].map((m) => m[1]!);
}

/** `METHOD path` for every /api route Fastify knows (HEAD routes that Fastify adds for GET are left out). */
export function registeredApiRoutes(app: FastifyInstance): string[] {
  const out = new Set<string>();
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?)(?: \(([A-Z, -]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    const path = stack.join('');
    if (!m[3] || m[3] === '-' || !path.startsWith('/api')) continue;
    for (const method of m[3].split(', ')) if (method !== 'HEAD') out.add(`${method} ${path}`);
  }
  return [...out].sort();
}

/** The catalogue entries whose route exists in this app (optional entries are dropped while their route is missing). */
export function activeRoutes(app: FastifyInstance): RouteEntry[] {
  return ROUTES.filter((r) => !r.optional || app.hasRoute({ method: r.method, url: r.path }));
}

export const routeKey = (r: Pick<RouteEntry, 'method' | 'path'>) => `${r.method} ${r.path}`;

/** Makes two answers comparable: ids and instants differ from call to call and say nothing about existence. */
export function normaliseAnswer(res: InjectResponse): { status: number; body: string } {
  const body = res.body
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/g, '<time>');
  return { status: res.statusCode, body };
}
