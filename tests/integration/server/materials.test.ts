import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Material } from '../../../src/shared/domain/records';
import type { MaterialPage } from '../../../src/shared/materials/library';
import { SCHEMA_VERSION, type PullResponse } from '../../../src/shared/sync/wire';
import { newId } from '../../../src/shared/domain/ids';
import { buildTestApp, signIn } from '../../helpers/app';
import { testDbKinds, type TestDb } from '../../helpers/db';
import { createFixture, type Fixture } from '../../helpers/fixtures';
import { storeFile, tinyPdf } from '../../helpers/material-files';
import { MaterialService } from '../../../src/server/services/material-service';
import { diskMaterialFiles } from '../../../src/server/services/material-files';
import { loadConfig } from '../../../src/server/config';
import { Access } from '../../../src/server/auth/access';
import { OrgTreeCache } from '../../../src/server/services/org-tree';

describe.each(testDbKinds())('material library on $kind', ({ open }) => {
  let db: TestDb;
  let app: FastifyInstance;
  let f: Fixture;
  const headers: Record<string, Record<string, string>> = {};

  beforeAll(async () => {
    db = await open();
    f = await createFixture(db.kysely);
    app = await buildTestApp(db);
    await app.ready();
    for (const u of ['teacherA', 'principalA', 'teacherB', 'principalB', 'officerDept', 'officerCommuneA', 'trainer', 'teacherC']) {
      headers[u] = await signIn(app, u.toLowerCase());
    }
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const publish = (user: string, payload: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: '/api/materials', headers: headers[user]!, payload });
  const search = async (user: string, query = '') => {
    const res = await app.inject({ method: 'GET', url: `/api/materials?${query.includes('limit=') ? '' : 'limit=200'}${query}`, headers: headers[user]! });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as MaterialPage;
  };
  const pulledMaterials = async (user: string) => {
    const res = await app.inject({ method: 'GET', url: '/api/sync/pull?limit=5000', headers: headers[user]! });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as PullResponse;
    return body.changes.filter((c) => c.entity === 'material').map((c) => c.row as unknown as Material);
  };

  it('refuses a teacher publishing to the Sở library, and lets a department officer and a trainer granted there', async () => {
    const sha256 = storeFile(tinyPdf('so-library'));
    const body = { sha256, title: 'Sổ tay An toàn giao thông', ownerUnitId: f.department, schoolId: null, schoolLevel: 'th', tags: ['atgt'] };
    for (const teacher of ['teacherA', 'teacherB', 'teacherC']) {
      const res = await publish(teacher, body);
      expect(res.statusCode, `${teacher}: ${res.body}`).toBe(403);
    }
    // Nor into their own school's library.
    expect((await publish('teacherA', { ...body, ownerUnitId: f.schoolA, schoolId: f.schoolA })).statusCode).toBe(403);
    // A principal of a school publishes only into the school's own library.
    expect((await publish('principalA', body)).statusCode).toBe(403);

    const res = await publish('officerDept', body);
    expect(res.statusCode, res.body).toBe(201);
    const m = res.json() as Material;
    // Type and size come from the stored bytes, not from the request.
    expect(m).toMatchObject({ ownerUnitId: f.department, schoolId: null, mime: 'application/pdf', size: tinyPdf('so-library').length, versionNo: 1, status: 'active' });
    expect((await publish('trainer', { ...body, title: 'Giáo án tập huấn' })).statusCode).toBe(201);

    // Every school sees the Sở library, online and on its devices.
    for (const user of ['teacherA', 'teacherB', 'teacherC']) {
      expect((await search(user)).items.map((i) => i.id), user).toContain(m.id);
      expect((await pulledMaterials(user)).map((i) => i.id), user).toContain(m.id);
    }
  });

  it("keeps school A's own material invisible to school B: search, detail, pull and its file", async () => {
    const sha256 = storeFile(tinyPdf('school-a-own'));
    const res = await publish('principalA', { sha256, title: 'Phương án PCCC của trường A', ownerUnitId: f.schoolA, schoolId: f.schoolA });
    expect(res.statusCode, res.body).toBe(201);
    const m = res.json() as Material;

    for (const user of ['teacherA', 'principalA', 'officerCommuneA', 'officerDept']) {
      expect((await search(user)).items.map((i) => i.id), user).toContain(m.id);
    }
    expect((await pulledMaterials('teacherA')).map((i) => i.id)).toContain(m.id);

    for (const user of ['teacherB', 'principalB', 'teacherC', 'trainer']) {
      const found = await search(user, '&q=PCCC');
      expect(found.items.map((i) => i.id), user).not.toContain(m.id);
      expect(found.items.every((i) => i.schoolId === null || i.schoolId !== f.schoolA), user).toBe(true);
      const detail = await app.inject({ method: 'GET', url: `/api/materials/${m.id}`, headers: headers[user]! });
      expect(detail.statusCode, user).toBe(404);
      const edit = await app.inject({ method: 'PATCH', url: `/api/materials/${m.id}`, headers: headers[user]!, payload: { title: 'x' } });
      expect(edit.statusCode, user).toBe(404);
    }
    expect((await pulledMaterials('teacherB')).map((i) => i.id)).not.toContain(m.id);
    // Nor can school B publish into school A's library.
    expect((await publish('principalB', { sha256, title: 'x', ownerUnitId: f.schoolA, schoolId: f.schoolA })).statusCode).toBe(404);

    // The file store's read check (GET /api/files/:sha256) follows the same rule.
    const tree = await new OrgTreeCache(db.kysely).get();
    const service = new MaterialService(db.kysely, diskMaterialFiles(loadConfig({}).dataDir));
    const accessOf = async (userId: string) => {
      const grants = await db.kysely.selectFrom('role_grants').select(['role', 'unit_id']).where('user_id', '=', userId).execute();
      return new Access(
        { userId, username: '', displayName: '', personId: null, mustChangePassword: false, grants: grants.map((g) => ({ role: g.role as 'teacher', unitId: g.unit_id })) },
        tree,
      );
    };
    expect(await service.canReadFile(await accessOf(f.users.teacherA), sha256)).toBe(true);
    expect(await service.canReadFile(await accessOf(f.users.teacherB), sha256)).toBe(false);
  });

  it('refuses a material whose file is not a complete stored file of a material type', async () => {
    const missing = await publish('officerDept', { sha256: 'a'.repeat(64), title: 'x', ownerUnitId: f.department });
    expect(missing.statusCode).toBe(400);
    expect((missing.json() as { fields: { field: string }[] }).fields.map((x) => x.field)).toEqual(['sha256']);
    const text = storeFile(Buffer.from('just some text, not a document '.repeat(10)));
    const wrongType = await publish('officerDept', { sha256: text, title: 'x', ownerUnitId: f.department });
    expect(wrongType.statusCode).toBe(400);
    const count = await db.kysely.selectFrom('materials').select((eb) => eb.fn.countAll<number>().as('n')).where('sha256', '=', text).executeTakeFirst();
    expect(Number(count?.n)).toBe(0);
  });

  it('searches titles without accents, and filters by type, level and year', async () => {
    const sha256 = storeFile(tinyPdf('search'));
    const res = await publish('officerDept', {
      sha256,
      title: 'Đội mũ bảo hiểm đúng cách',
      ownerUnitId: f.department,
      activityTypeId: f.activityType,
      schoolLevel: 'thcs',
      schoolYearId: f.schoolYear,
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = (res.json() as Material).id;
    const ids = async (q: string) => (await search('teacherB', q)).items.map((i) => i.id);
    expect(await ids('&q=doi%20mu%20bao%20hiem')).toContain(id);
    expect(await ids('&q=B%E1%BA%A2O%20hi%E1%BB%83m')).toContain(id); // "BẢO hiểm"
    expect(await ids('&q=hiem%20mu')).toContain(id);
    expect(await ids('&q=mu%20xe%20dap')).not.toContain(id);
    expect(await ids('&q=100%25')).not.toContain(id);
    expect(await ids(`&activityTypeId=${f.activityType}&schoolLevel=thcs&schoolYearId=${f.schoolYear}`)).toEqual([id]);
    expect(await ids('&schoolLevel=thpt')).not.toContain(id);
    const page = await search('teacherB', '&limit=1&offset=0');
    expect(page.items).toHaveLength(1);
    expect(page.total).toBeGreaterThan(1);
  });

  it('replaces the file with a new version that devices pull, keeps the history, and archives out of the library', async () => {
    const v1 = storeFile(tinyPdf('version-1'));
    const created = (await publish('principalA', { sha256: v1, title: 'Nội quy lớp học', ownerUnitId: f.schoolA, schoolId: f.schoolA })).json() as Material;
    const v2 = storeFile(tinyPdf('version-2 with more text'));
    const url = `/api/materials/${created.id}/versions`;
    expect((await app.inject({ method: 'POST', url, headers: headers.teacherA!, payload: { sha256: v2 } })).statusCode).toBe(403);
    const res = await app.inject({ method: 'POST', url, headers: headers.principalA!, payload: { sha256: v2 } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: created.id, sha256: v2, versionNo: 2, size: tinyPdf('version-2 with more text').length });
    // Repeating the same call changes nothing.
    const again = await app.inject({ method: 'POST', url, headers: headers.principalA!, payload: { sha256: v2 } });
    expect(again.json()).toMatchObject({ versionNo: 2 });

    const pulled = (await pulledMaterials('teacherA')).find((m) => m.id === created.id);
    expect(pulled).toMatchObject({ sha256: v2, versionNo: 2 });
    const detail = await app.inject({ method: 'GET', url: `/api/materials/${created.id}`, headers: headers.teacherA! });
    const body = detail.json() as { versions: { versionNo: number; sha256: string }[]; canEdit: boolean };
    expect(body.versions.map((v) => [v.versionNo, v.sha256])).toEqual([
      [2, v2],
      [1, v1],
    ]);
    expect(body.canEdit).toBe(false);

    const archived = await app.inject({ method: 'DELETE', url: `/api/materials/${created.id}`, headers: headers.principalA! });
    expect(archived.json()).toMatchObject({ status: 'archived' });
    expect((await search('teacherA')).items.map((i) => i.id)).not.toContain(created.id);
    expect((await search('teacherA', '&includeArchived=1')).items.map((i) => i.id)).toContain(created.id);
    expect((await pulledMaterials('teacherA')).find((m) => m.id === created.id)).toMatchObject({ status: 'archived' });
  });

  it('attaches materials to a requirement, and a save that leaves them out keeps them', async () => {
    const requirement = {
      id: newId(),
      ownerUnitId: f.department,
      schoolYearId: f.schoolYear,
      title: 'Mỗi học sinh ký cam kết ATGT',
      target: { kind: 'all' },
      activityTypeId: f.activityType,
      scenarioCode: null,
      rotateScenarios: false,
      frequency: { kind: 'year', count: 1 },
      audience: { kind: 'students', grade: null },
      indicator: null,
    };
    const save = async (args: Record<string, unknown>) => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/sync/push',
        headers: headers.officerDept!,
        payload: {
          clientId: `test-device-${newId()}`,
          schemaVersion: SCHEMA_VERSION,
          mutations: [{ id: newId(), name: 'requirement.save', args, clientTime: new Date().toISOString() }],
        },
      });
      expect(res.json()).toMatchObject({ results: [{ status: 'applied' }] });
    };
    const pulledRequirement = async () => {
      const res = await app.inject({ method: 'GET', url: '/api/sync/pull?limit=5000', headers: headers.teacherB! });
      return (res.json() as PullResponse).changes.find((c) => c.entity === 'requirement' && c.row.id === requirement.id)?.row;
    };
    await save(requirement);
    expect((await pulledRequirement())?.materialIds).toBeUndefined();
    await save({ ...requirement, materialIds: [f.materials.department] });
    expect(await pulledRequirement()).toMatchObject({ materialIds: [f.materials.department] });
    // An older device's save (no materialIds) changes the title and keeps the materials.
    await save({ ...requirement, title: 'Mỗi học sinh ký bản cam kết ATGT' });
    expect(await pulledRequirement()).toMatchObject({ title: 'Mỗi học sinh ký bản cam kết ATGT', materialIds: [f.materials.department] });
  });
});
