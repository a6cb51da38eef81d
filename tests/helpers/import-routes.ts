import { expect } from 'vitest';
import { newId } from '../../src/shared/domain/ids';
import { IMPORT_MAX_BYTES, type ImportBatchView } from '../../src/shared/roster-import';
import type { Fixture, FixtureUser } from './fixtures';
import type { MalformedCase, Outcome, RouteEntry } from './route-catalogue';

/**
 * The catalogue entries of the roster-import routes (issue #8 item 1), spread into ROUTES in route-catalogue.ts.
 * Only type imports from there: that module imports this one.
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

/** Who keeps school A's roster: its principal, the officers covering it, admins (Access.canManagePeople). */
const MANAGE_A = only('principalA', 'officerCommuneA', 'officerCluster', 'officerDept', 'admin');

/** A two-student CSV export (with a column that must never be read). */
const rosterCsv = () =>
  Buffer.from(
    '\ufeffMã học sinh;Họ và tên;Mã lớp;Ngày sinh;Giới tính;Dân tộc\r\n' +
      `HS-CAT-${newId().slice(-8)};Nguyễn Văn An;5A1;03/02/2015;Nam;Tày\r\n` +
      `HS-CAT-${newId().slice(-8)};Lê Thị Bình;5A1;14/11/2015;Nữ;Kinh\r\n`,
    'utf8',
  );

const uploadUrl = (schoolId: string, f: Fixture) => `/api/schools/${schoolId}/imports?kind=students&schoolYearId=${f.schoolYear}`;

const badId = (url: string, payload?: unknown): MalformedCase => ({
  name: 'an id that is not a UUID',
  request: () => ({ url, ...(payload === undefined ? {} : { payload }) }),
  fields: ['id'],
});

export const IMPORT_ROUTES: RouteEntry[] = [
  {
    // The body is the file itself (xlsx or CSV bytes), not JSON.
    method: 'POST',
    path: '/api/schools/:id/imports',
    bodyLimit: IMPORT_MAX_BYTES,
    request: ({ f }) => ({ url: uploadUrl(f.schoolA, f), payload: rosterCsv() }),
    expect: MANAGE_A,
    check: (res) => {
      const view = res.json() as ImportBatchView;
      expect(view.status).toBe('previewed');
      expect(view.summary.create).toBe(2);
      expect(view.droppedColumns).toEqual(['Dân tộc']);
      expect(res.body).not.toMatch(/Tày|Kinh/);
    },
    scopeProbe: {
      user: 'principalB',
      outOfScope: (f) => ({ url: uploadUrl(f.schoolA, f), payload: rosterCsv() }),
      nonexistent: (f) => ({ url: uploadUrl(newId(), f), payload: rosterCsv() }),
    },
    malformed: [
      {
        name: 'no kind, no school year',
        request: (f) => ({ url: `/api/schools/${f.schoolA}/imports?` }),
        fields: ['kind', 'schoolYearId'],
      },
      {
        name: 'unknown kind, school year not a UUID',
        request: (f) => ({ url: `/api/schools/${f.schoolA}/imports?kind=parents&schoolYearId=2025-2026` }),
        fields: ['kind', 'schoolYearId'],
      },
      {
        name: 'a school id that is not a UUID',
        request: (f) => ({ url: `/api/schools/truong-a/imports?kind=students&schoolYearId=${f.schoolYear}` }),
        fields: ['id'],
      },
    ],
  },
  {
    method: 'GET',
    path: '/api/imports/:id',
    request: ({ f }) => ({ url: `/api/imports/${f.imports.previewA}` }),
    expect: MANAGE_A,
    check: (res, { f }) => expect((res.json() as ImportBatchView).id).toBe(f.imports.previewA),
    scopeProbe: {
      user: 'principalB',
      outOfScope: (f) => ({ url: `/api/imports/${f.imports.previewA}` }),
      nonexistent: () => ({ url: `/api/imports/${newId()}` }),
    },
    malformed: [badId('/api/imports/abc')],
  },
  {
    // Applying is safe to repeat: the second caller is told what the first one did.
    method: 'POST',
    path: '/api/imports/:id/apply',
    jsonBody: true,
    bodyLimit: 1024,
    request: ({ f }) => ({ url: `/api/imports/${f.imports.previewA}/apply`, payload: { confirm: true } }),
    expect: MANAGE_A,
    check: (res) => expect((res.json() as ImportBatchView).status).toBe('applied'),
    scopeProbe: {
      user: 'principalB',
      outOfScope: (f) => ({ url: `/api/imports/${f.imports.previewA}/apply`, payload: { confirm: true } }),
      nonexistent: () => ({ url: `/api/imports/${newId()}/apply`, payload: { confirm: true } }),
    },
    malformed: [
      { name: 'no confirmation', request: (f) => ({ url: `/api/imports/${f.imports.previewA}/apply`, payload: {} }), fields: ['confirm'] },
      {
        name: 'confirmation that is not a boolean',
        request: (f) => ({ url: `/api/imports/${f.imports.previewA}/apply`, payload: { confirm: 'yes' } }),
        fields: ['confirm'],
      },
      badId('/api/imports/abc/apply', { confirm: true }),
    ],
  },
];
