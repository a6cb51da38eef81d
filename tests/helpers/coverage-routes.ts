import { expect } from 'vitest';
import { newId } from '../../src/shared/domain/ids';
import type { Fixture, FixtureUser } from './fixtures';
import type { MalformedCase, Outcome, RouteEntry } from './route-catalogue';

/**
 * The catalogue entries of the coverage routes (issue #7), spread into ROUTES in route-catalogue.ts. Only type
 * imports from there: that module imports this one. Each allowed answer is checked to hold exactly the schools of
 * the unit asked for, so a ward officer never sees another ward's school in any view.
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

function unitMalformed(): MalformedCase[] {
  return [
    { name: 'no unit', request: () => ({ url: '/api/coverage?' }), fields: ['unitId'] },
    {
      name: 'ids that are not UUIDs',
      request: () => ({ url: '/api/coverage?unitId=phuong-a&schoolYearId=2025-2026' }),
      fields: ['unitId', 'schoolYearId'],
    },
    { name: 'start without end', request: () => ({ url: `/api/coverage?unitId=${newId()}&from=2025-10-01` }), fields: ['to'] },
    {
      name: 'start after end',
      request: () => ({ url: `/api/coverage?unitId=${newId()}&from=2025-10-01&to=2025-09-01` }),
      fields: ['from'],
    },
    { name: 'a date that does not exist', request: () => ({ url: `/api/coverage?unitId=${newId()}&from=2025-02-30&to=2025-03-01` }), fields: ['from'] },
    { name: 'term out of range', request: () => ({ url: `/api/coverage?unitId=${newId()}&termNo=9` }), fields: ['termNo'] },
  ];
}

function schoolMalformed(): MalformedCase[] {
  return [
    { name: 'an id that is not a UUID', request: () => ({ url: '/api/coverage/schools/truong-a' }), fields: ['id'] },
    { name: 'term that is not a number', request: () => ({ url: `/api/coverage/schools/${newId()}?termNo=mot` }), fields: ['termNo'] },
    { name: 'start after end', request: () => ({ url: `/api/coverage/schools/${newId()}?from=2026-01-01&to=2025-12-01` }), fields: ['from'] },
  ];
}

const schoolsOf = (body: unknown): string[] => ((body as { schools: { schoolId: string }[] }).schools.map((s) => s.schoolId)).sort();

export const COVERAGE_ROUTES: RouteEntry[] = [
  {
    // A commune's schools: the officers covering the commune and admins, and only the commune's schools.
    method: 'GET',
    path: '/api/coverage',
    request: ({ f }) => ({ url: `/api/coverage?unitId=${f.communeA}&schoolYearId=${f.schoolYear}` }),
    expect: only('officerCommuneA', 'officerDept', 'admin'),
    check: (res, { f }) => expect(schoolsOf(res.json())).toEqual([f.schoolA]),
    scopeProbe: {
      user: 'officerCommuneA',
      outOfScope: (f: Fixture) => ({ url: `/api/coverage?unitId=${f.communeB}` }),
      nonexistent: () => ({ url: `/api/coverage?unitId=${newId()}` }),
    },
    malformed: unitMalformed(),
  },
  {
    // A cluster (the second roll-up axis): its schools across communes.
    method: 'GET',
    path: '/api/coverage',
    request: ({ f }) => ({ url: `/api/coverage?unitId=${f.cluster}&termNo=1` }),
    expect: only('officerCluster', 'officerDept', 'admin'),
    check: (res, { f }) => expect(schoolsOf(res.json())).toEqual([f.schoolA, f.schoolC].sort()),
    scopeProbe: {
      user: 'officerCluster',
      outOfScope: (f: Fixture) => ({ url: `/api/coverage?unitId=${f.communeB}` }),
      nonexistent: () => ({ url: `/api/coverage?unitId=${newId()}` }),
    },
    malformed: unitMalformed(),
  },
  {
    // The Sở: every school, and the commune offices and cluster below it for the drill-down.
    method: 'GET',
    path: '/api/coverage',
    request: ({ f }) => ({ url: `/api/coverage?unitId=${f.department}` }),
    expect: only('officerDept', 'admin'),
    check: (res, { f }) => {
      expect(schoolsOf(res.json())).toEqual([f.schoolA, f.schoolB, f.schoolC].sort());
      const children = (res.json() as { children: { unitId: string }[] }).children.map((c) => c.unitId).sort();
      expect(children).toEqual([f.communeA, f.communeB, f.cluster].sort());
    },
    malformed: unitMalformed(),
  },
  {
    // One school as a unit: also its own teachers and principal.
    method: 'GET',
    path: '/api/coverage',
    request: ({ f }) => ({ url: `/api/coverage?unitId=${f.schoolA}&from=2025-09-01&to=2026-01-15` }),
    expect: only('teacherA', 'principalA', 'officerCommuneA', 'officerCluster', 'officerDept', 'admin'),
    check: (res, { f }) => expect(schoolsOf(res.json())).toEqual([f.schoolA]),
    scopeProbe: {
      user: 'teacherB',
      outOfScope: (f: Fixture) => ({ url: `/api/coverage?unitId=${f.schoolA}` }),
      nonexistent: () => ({ url: `/api/coverage?unitId=${newId()}` }),
    },
    malformed: unitMalformed(),
  },
  {
    // One school per class, with the people still missing.
    method: 'GET',
    path: '/api/coverage/schools/:id',
    request: ({ f }) => ({ url: `/api/coverage/schools/${f.schoolA}?schoolYearId=${f.schoolYear}` }),
    expect: only('teacherA', 'principalA', 'officerCommuneA', 'officerCluster', 'officerDept', 'admin'),
    check: (res, { f }) => {
      const body = res.json() as { school: { id: string }; indicators: { missing: { schoolId?: string }[] }[] };
      expect(body.school.id).toBe(f.schoolA);
      for (const i of body.indicators) for (const m of i.missing) expect(m.schoolId).toBe(f.schoolA);
    },
    scopeProbe: {
      user: 'officerCommuneA',
      outOfScope: (f: Fixture) => ({ url: `/api/coverage/schools/${f.schoolB}` }),
      nonexistent: () => ({ url: `/api/coverage/schools/${newId()}` }),
    },
    malformed: schoolMalformed(),
  },
];
