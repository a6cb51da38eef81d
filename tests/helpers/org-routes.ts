import { newId } from '../../src/shared/domain/ids';
import type { Fixture, FixtureUser } from './fixtures';
import type { MalformedCase, Outcome, RouteEntry } from './route-catalogue';

/**
 * The catalogue entries of the organisation, account and personal-data routes (issue #8), spread into ROUTES in
 * route-catalogue.ts. Only type imports from there: that module imports this one.
 */

const USERS: FixtureUser[] = [
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
const only = (...users: FixtureUser[]): Record<FixtureUser, Outcome> =>
  Object.fromEntries(USERS.map((u) => [u, users.includes(u) ? 'allow' : 'deny'])) as Record<FixtureUser, Outcome>;

/** Who keeps school A's roster and accounts: its principal, the officers covering it (commune, cluster, department), admins. */
const MANAGE_A = only('principalA', 'officerCommuneA', 'officerCluster', 'officerDept', 'admin');

const badId = (url: (id: string) => string, payload?: unknown): MalformedCase => ({
  name: 'an id that is not a UUID',
  request: () => ({ url: url('khong-phai-uuid'), ...(payload === undefined ? {} : { payload }) }),
  fields: ['id'],
});

const probeSchoolA = (url: (f: Fixture) => string, nonexistent: () => string, payload?: (f: Fixture) => unknown) => ({
  user: 'principalB' as FixtureUser,
  outOfScope: (f: Fixture) => ({ url: url(f), ...(payload ? { payload: payload(f) } : {}) }),
  nonexistent: (f: Fixture) => ({ url: nonexistent(), ...(payload ? { payload: payload(f) } : {}) }),
});

export const ORG_ROUTES: RouteEntry[] = [
  {
    method: 'GET',
    path: '/api/persons/:id/export',
    request: ({ f }) => ({ url: `/api/persons/${f.students.A[1]}/export` }),
    expect: MANAGE_A,
    scopeProbe: probeSchoolA(
      (f) => `/api/persons/${f.students.A[1]}/export`,
      () => `/api/persons/${newId()}/export`,
    ),
    malformed: [badId((id) => `/api/persons/${id}/export`)],
  },
  {
    method: 'DELETE',
    path: '/api/persons/:id',
    // One person per user: an erased person is gone, so a second call would find nothing.
    request: ({ f, user }) => ({ url: `/api/persons/${f.org.erasable[user]}` }),
    expect: MANAGE_A,
    scopeProbe: probeSchoolA(
      (f) => `/api/persons/${f.org.erasable.teacherB}`,
      () => `/api/persons/${newId()}`,
    ),
    malformed: [badId((id) => `/api/persons/${id}`)],
  },
  {
    method: 'GET',
    path: '/api/schools/:id/roster.csv',
    request: ({ f }) => ({ url: `/api/schools/${f.schoolA}/roster.csv` }),
    expect: MANAGE_A,
    scopeProbe: probeSchoolA(
      (f) => `/api/schools/${f.schoolA}/roster.csv`,
      () => `/api/schools/${newId()}/roster.csv`,
    ),
    malformed: [badId((id) => `/api/schools/${id}/roster.csv`)],
  },
  {
    method: 'GET',
    path: '/api/schools/:id/accounts',
    request: ({ f }) => ({ url: `/api/schools/${f.schoolA}/accounts` }),
    expect: MANAGE_A,
    scopeProbe: probeSchoolA(
      (f) => `/api/schools/${f.schoolA}/accounts`,
      () => `/api/schools/${newId()}/accounts`,
    ),
    malformed: [badId((id) => `/api/schools/${id}/accounts`)],
  },
  {
    method: 'POST',
    path: '/api/schools/:id/accounts/bulk',
    jsonBody: true,
    bodyLimit: 64 * 1024,
    // The first allowed call makes the account, the later ones find it made (skipped): both are allowed.
    request: ({ f }) => ({ url: `/api/schools/${f.schoolA}/accounts/bulk`, payload: { personIds: [f.staff.A[1]] } }),
    expect: MANAGE_A,
    scopeProbe: probeSchoolA(
      (f) => `/api/schools/${f.schoolA}/accounts/bulk`,
      () => `/api/schools/${newId()}/accounts/bulk`,
      (f) => ({ personIds: [f.staff.A[1]] }),
    ),
    malformed: [
      { name: 'no people', request: (f) => ({ url: `/api/schools/${f.schoolA}/accounts/bulk`, payload: {} }), fields: ['personIds'] },
      {
        name: 'ids that are not UUIDs and an unknown role',
        request: (f) => ({ url: `/api/schools/${f.schoolA}/accounts/bulk`, payload: { personIds: ['x'], role: 'admin' } }),
        fields: ['personIds.0', 'role'],
      },
    ],
  },
  {
    method: 'POST',
    path: '/api/accounts/:id/reset-password',
    bodyLimit: 1024,
    request: ({ f }) => ({ url: `/api/accounts/${f.org.accountA}/reset-password` }),
    expect: MANAGE_A,
    scopeProbe: probeSchoolA(
      (f) => `/api/accounts/${f.org.accountA}/reset-password`,
      () => `/api/accounts/${newId()}/reset-password`,
    ),
    malformed: [badId((id) => `/api/accounts/${id}/reset-password`)],
  },
  {
    method: 'POST',
    path: '/api/accounts/:id/grants',
    jsonBody: true,
    bodyLimit: 4096,
    request: ({ f }) => ({ url: `/api/accounts/${f.org.accountA}/grants`, payload: { role: 'teacher', unitId: f.schoolA } }),
    expect: MANAGE_A,
    scopeProbe: probeSchoolA(
      (f) => `/api/accounts/${f.org.accountA}/grants`,
      () => `/api/accounts/${newId()}/grants`,
      (f) => ({ role: 'teacher', unitId: f.schoolA }),
    ),
    malformed: [
      {
        name: 'unknown role, unit not a UUID',
        request: (f) => ({ url: `/api/accounts/${f.org.accountA}/grants`, payload: { role: 'king', unitId: 'x' } }),
        fields: ['role', 'unitId'],
      },
    ],
  },
  {
    method: 'POST',
    path: '/api/accounts/:id/grants/remove',
    jsonBody: true,
    bodyLimit: 4096,
    // A grant the account does not hold: withdrawing it changes nothing, so every allowed call is safe.
    request: ({ f }) => ({ url: `/api/accounts/${f.org.accountA}/grants/remove`, payload: { role: 'principal', unitId: f.schoolA } }),
    expect: MANAGE_A,
    scopeProbe: probeSchoolA(
      (f) => `/api/accounts/${f.org.accountA}/grants/remove`,
      () => `/api/accounts/${newId()}/grants/remove`,
      (f) => ({ role: 'principal', unitId: f.schoolA }),
    ),
    malformed: [
      { name: 'missing fields', request: (f) => ({ url: `/api/accounts/${f.org.accountA}/grants/remove`, payload: {} }), fields: ['role', 'unitId'] },
    ],
  },
  {
    method: 'POST',
    path: '/api/accounts/:id/deactivate',
    bodyLimit: 1024,
    request: ({ f }) => ({ url: `/api/accounts/${f.org.accountA}/deactivate` }),
    expect: MANAGE_A,
    scopeProbe: probeSchoolA(
      (f) => `/api/accounts/${f.org.accountA}/deactivate`,
      () => `/api/accounts/${newId()}/deactivate`,
    ),
    malformed: [badId((id) => `/api/accounts/${id}/deactivate`)],
  },
  {
    method: 'POST',
    path: '/api/accounts/:id/activate',
    bodyLimit: 1024,
    request: ({ f }) => ({ url: `/api/accounts/${f.org.accountA}/activate` }),
    expect: MANAGE_A,
    malformed: [badId((id) => `/api/accounts/${id}/activate`)],
  },
  {
    method: 'GET',
    path: '/api/org/units',
    request: () => ({ url: '/api/org/units' }),
    // Every signed-in user sees the units of their scope and those above it.
    expect: only(...USERS),
  },
  {
    method: 'GET',
    path: '/api/org/units/:id/history',
    request: ({ f }) => ({ url: `/api/org/units/${f.communeA}/history` }),
    expect: only('officerCommuneA', 'officerDept', 'admin'),
    scopeProbe: {
      user: 'officerCommuneA',
      outOfScope: (f) => ({ url: `/api/org/units/${f.communeB}/history` }),
      nonexistent: () => ({ url: `/api/org/units/${newId()}/history` }),
    },
    malformed: [badId((id) => `/api/org/units/${id}/history`)],
  },
  {
    method: 'POST',
    path: '/api/org/units',
    jsonBody: true,
    bodyLimit: 8192,
    // A new (empty) historical district under the department each time: no school moves, no roll-up changes.
    request: ({ f }) => ({ url: '/api/org/units', payload: { kind: 'district', name: 'Quận cũ (lịch sử)', parentId: f.department } }),
    expect: only('officerDept', 'admin'),
    scopeProbe: {
      user: 'officerCommuneA',
      outOfScope: (f) => ({ url: '/api/org/units', payload: { kind: 'district', name: 'Quận cũ', parentId: f.communeB } }),
      nonexistent: () => ({ url: '/api/org/units', payload: { kind: 'district', name: 'Quận cũ', parentId: newId() } }),
    },
    malformed: [
      { name: 'missing fields', request: () => ({ url: '/api/org/units', payload: {} }), fields: ['kind', 'name', 'parentId'] },
      {
        name: 'unknown kind, empty name',
        request: (f) => ({ url: '/api/org/units', payload: { kind: 'galaxy', name: ' ', parentId: f.department } }),
        fields: ['kind', 'name'],
      },
    ],
  },
  {
    method: 'PATCH',
    path: '/api/org/units/:id',
    jsonBody: true,
    bodyLimit: 8192,
    // Renamed to the name it has: the matrix leaves the tree as it found it.
    request: ({ f }) => ({ url: `/api/org/units/${f.communeA}`, payload: { name: 'Phường A' } }),
    expect: only('officerCommuneA', 'officerDept', 'admin'),
    scopeProbe: {
      user: 'officerCommuneA',
      outOfScope: (f) => ({ url: `/api/org/units/${f.communeB}`, payload: { name: 'Phường B' } }),
      nonexistent: () => ({ url: `/api/org/units/${newId()}`, payload: { name: 'Phường B' } }),
    },
    malformed: [
      { name: 'empty name', request: (f) => ({ url: `/api/org/units/${f.communeA}`, payload: { name: '' } }), fields: ['name'] },
    ],
  },
  {
    method: 'POST',
    path: '/api/org/units/:id/move',
    jsonBody: true,
    bodyLimit: 4096,
    // A move to where the school already is: authorised like any move (both ends in scope), changes nothing.
    request: ({ f }) => ({ url: `/api/org/units/${f.schoolB}/move`, payload: { parentId: f.communeB } }),
    expect: only('officerDept', 'admin'),
    scopeProbe: {
      user: 'officerCommuneA',
      outOfScope: (f) => ({ url: `/api/org/units/${f.schoolB}/move`, payload: { parentId: f.communeA } }),
      nonexistent: (f) => ({ url: `/api/org/units/${newId()}/move`, payload: { parentId: f.communeA } }),
    },
    malformed: [
      { name: 'no parent', request: (f) => ({ url: `/api/org/units/${f.schoolB}/move`, payload: {} }), fields: ['parentId'] },
    ],
  },
  {
    method: 'POST',
    path: '/api/org/units/:id/cluster',
    jsonBody: true,
    bodyLimit: 4096,
    // School C stays in the cluster it is in.
    request: ({ f }) => ({ url: `/api/org/units/${f.schoolC}/cluster`, payload: { clusterId: f.cluster } }),
    expect: only('officerCluster', 'officerDept', 'admin'),
    scopeProbe: {
      user: 'officerCommuneA',
      outOfScope: (f) => ({ url: `/api/org/units/${f.schoolC}/cluster`, payload: { clusterId: f.cluster } }),
      nonexistent: (f) => ({ url: `/api/org/units/${newId()}/cluster`, payload: { clusterId: f.cluster } }),
    },
    malformed: [
      { name: 'cluster not a UUID', request: (f) => ({ url: `/api/org/units/${f.schoolC}/cluster`, payload: { clusterId: 'x' } }), fields: ['clusterId'] },
    ],
  },
];
