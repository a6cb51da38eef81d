import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgUnitView, UnitMembershipView } from '../../../src/shared/org/api';
import { hanoiDate } from '../../../src/shared/time';
import { buildTestApp, signIn } from '../../helpers/app';
import { testDbKinds, type TestDb } from '../../helpers/db';
import { createFixture, type Fixture } from '../../helpers/fixtures';
import { Device, replay } from './plan-helpers';

describe.each(testDbKinds())('the organisation tree on $kind', ({ open }) => {
  let db: TestDb;
  let app: FastifyInstance;
  let f: Fixture;
  let officer: Record<string, string>;

  beforeAll(async () => {
    db = await open();
    f = await createFixture(db.kysely, 2);
    app = await buildTestApp(db);
    officer = await signIn(app, 'officerdept');
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const send = (method: 'POST' | 'PATCH' | 'GET', url: string, headers: Record<string, string>, payload?: object) =>
    app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

  it('creates a commune with a school, renames it, and shows it only to those whose scope it is in', async () => {
    const commune = await send('POST', '/api/org/units', officer, { kind: 'commune', name: 'Phường Mới', parentId: f.department });
    expect(commune.statusCode, commune.body).toBe(201);
    const communeId = commune.json<OrgUnitView>().id;
    const school = await send('POST', '/api/org/units', officer, { kind: 'school', name: 'Trường Tiểu học Mới', parentId: communeId, schoolLevel: 'th' });
    expect(school.statusCode, school.body).toBe(201);
    const noLevel = await send('POST', '/api/org/units', officer, { kind: 'school', name: 'Trường thiếu cấp', parentId: communeId });
    expect(noLevel.statusCode).toBe(400);
    const renamed = await send('PATCH', `/api/org/units/${communeId}`, officer, { name: 'Phường Mới (đổi tên)' });
    expect(renamed.json<OrgUnitView>()).toMatchObject({ name: 'Phường Mới (đổi tên)', parentId: f.department });

    const seenBy = async (username: string) =>
      (await send('GET', '/api/org/units', await signIn(app, username))).json<{ units: OrgUnitView[] }>().units.map((u) => u.id);
    expect(await seenBy('officerdept')).toEqual(expect.arrayContaining([communeId, school.json<OrgUnitView>().id]));
    expect(await seenBy('officercommunea')).not.toContain(communeId);
    expect(await seenBy('principala')).toEqual(expect.arrayContaining([f.schoolA, f.communeA, f.department]));
    // A commune's officer cannot add units under another commune.
    const other = await send('POST', '/api/org/units', await signIn(app, 'officercommunea'), { kind: 'school', name: 'X', parentId: f.communeB, schoolLevel: 'th' });
    expect(other.statusCode).toBe(404);
  });

  it('moves a school to another commune keeping its history; its devices then pull the new commune\'s rows', async () => {
    // A row in the stream of commune B (units live in their parent's stream): school A's devices see it only after the move.
    const neighbour = await send('POST', '/api/org/units', officer, { kind: 'school', name: 'Trường THCS B2', parentId: f.communeB, schoolLevel: 'thcs' });
    const neighbourId = neighbour.json<OrgUnitView>().id;
    const teacher = new Device(app, await signIn(app, 'teachera'));
    const before = replay(await teacher.pull(), 'unit');
    expect(before.has(f.communeA)).toBe(true);
    expect(before.has(neighbourId)).toBe(false);

    // The commune's own officer cannot give the school away: the other end is not theirs.
    const communeOfficer = await signIn(app, 'officercommunea');
    expect((await send('POST', `/api/org/units/${f.schoolA}/move`, communeOfficer, { parentId: f.communeB })).statusCode).toBe(404);
    // Not under itself, nor under a school.
    expect((await send('POST', `/api/org/units/${f.communeA}/move`, officer, { parentId: f.schoolA })).statusCode).toBe(400);

    const moved = await send('POST', `/api/org/units/${f.schoolA}/move`, officer, { parentId: f.communeB });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json<OrgUnitView>()).toMatchObject({ id: f.schoolA, parentId: f.communeB });

    const history = (await send('GET', `/api/org/units/${f.schoolA}/history`, officer)).json<{ history: UnitMembershipView[] }>().history;
    const today = hanoiDate(new Date());
    expect(history).toEqual([{ parentId: f.communeB, axis: 'tree', validFrom: today, validTo: null }]);

    // Officers of the new commune now reach the school; those of the old one no longer do.
    expect((await send('GET', `/api/schools/${f.schoolA}/accounts`, await signIn(app, 'officercommunea'))).statusCode).toBe(404);
    const after = replay(await teacher.pull(), 'unit');
    expect(after.get(f.schoolA)).toMatchObject({ parentId: f.communeB });
    expect(after.has(neighbourId)).toBe(true);

    // Moving back closes the second membership: each stay is a dated row.
    await send('POST', `/api/org/units/${f.schoolA}/move`, officer, { parentId: f.communeA });
    const twice = (await send('GET', `/api/org/units/${f.schoolA}/history`, officer)).json<{ history: UnitMembershipView[] }>().history;
    expect(twice).toEqual([
      { parentId: f.communeB, axis: 'tree', validFrom: today, validTo: today },
      { parentId: f.communeA, axis: 'tree', validFrom: today, validTo: null },
    ]);
    const audit = await db.kysely.selectFrom('audit_log').select(['action', 'details']).where('action', '=', 'unit.move').execute();
    expect(audit).toHaveLength(2);
  });

  it('puts a school in a cluster and takes it out, and the cluster\'s officer follows', async () => {
    const clusterOfficer = await signIn(app, 'officercluster');
    expect((await send('GET', `/api/schools/${f.schoolB}/accounts`, clusterOfficer)).statusCode).toBe(404);
    const joined = await send('POST', `/api/org/units/${f.schoolB}/cluster`, officer, { clusterId: f.cluster });
    expect(joined.json<OrgUnitView>()).toMatchObject({ clusterId: f.cluster });
    expect((await send('GET', `/api/schools/${f.schoolB}/accounts`, clusterOfficer)).statusCode).toBe(200);
    expect((await send('POST', `/api/org/units/${f.schoolB}/cluster`, officer, { clusterId: f.communeA })).statusCode).toBe(400);
    const left = await send('POST', `/api/org/units/${f.schoolB}/cluster`, officer, { clusterId: null });
    expect(left.json<OrgUnitView>()).toMatchObject({ clusterId: null });
    expect((await send('GET', `/api/schools/${f.schoolB}/accounts`, clusterOfficer)).statusCode).toBe(404);
  });
});
