import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testDbKinds, type TestDb } from '../../helpers/db';
import { createFixture, type Fixture } from '../../helpers/fixtures';
import { buildTestApp, signIn } from '../../helpers/app';
import { newId } from '../../../src/shared/domain/ids';
import { ENTITY_SCHEMAS, SCHEMA_VERSION, type Change, type PullResponse } from '../../../src/shared/sync/wire';
import { reserveVersions } from '../../../src/server/db/versions';
import { decodeCursor, encodeCursor } from '../../../src/server/sync/cursor';
import { Access } from '../../../src/server/auth/access';
import { OrgTreeCache } from '../../../src/server/services/org-tree';

const key = (c: Change) => `${c.entity}:${String(c.row.id)}`;

describe.each(testDbKinds())('GET /api/sync/pull on $kind', ({ open }) => {
  let db: TestDb;
  let app: FastifyInstance;
  let f: Fixture;
  let teacherA: Record<string, string>;
  let teacherB: Record<string, string>;
  /** Rows added above the fixture: commune-wide sessions, a cluster requirement, a parent with links. */
  const extra = { communeSession: newId(), clusterRequirement: newId(), parent: newId(), otherCommuneSession: newId() };

  beforeAll(async () => {
    db = await open();
    f = await createFixture(db.kysely, 12);
    await db.kysely.transaction().execute(async (trx) => {
      const session = await trx.selectFrom('sessions').selectAll().where('id', '=', f.sessions.A).executeTakeFirstOrThrow();
      await trx
        .insertInto('sessions')
        .values({
          ...session,
          id: extra.communeSession,
          school_id: null,
          scope_unit_id: f.communeA,
          title: 'Tập huấn an toàn giao thông toàn phường',
          stream: f.communeA,
          version: await reserveVersions(trx, f.communeA),
        })
        .execute();
      await trx
        .insertInto('sessions')
        .values({
          ...session,
          id: extra.otherCommuneSession,
          school_id: null,
          scope_unit_id: f.communeB,
          stream: f.communeB,
          version: await reserveVersions(trx, f.communeB),
        })
        .execute();
      await trx
        .insertInto('requirements')
        .values({
          id: extra.clusterRequirement,
          owner_unit_id: f.cluster,
          school_year_id: f.schoolYear,
          title: 'Mỗi trường diễn tập PCCC ít nhất 1 lần mỗi học kỳ',
          target: JSON.stringify({ kind: 'cluster', unitId: f.cluster }),
          activity_type_id: f.activityType,
          scenario_code: null,
          rotate_scenarios: 0,
          frequency: JSON.stringify({ kind: 'term', count: 1 }),
          audience: JSON.stringify({ kind: 'staff', grade: null }),
          indicator: 'drills_held',
          stream: f.cluster,
          version: await reserveVersions(trx, f.cluster),
        })
        .execute();
      const now = new Date().toISOString();
      await trx
        .insertInto('persons')
        .values({
          id: extra.parent,
          school_id: f.schoolA,
          kind: 'parent',
          full_name: 'Phụ huynh A',
          code: null,
          birth_year: null,
          sex: null,
          class_id: null,
          role_tags: '[]',
          status: 'active',
          created_at: now,
          updated_at: now,
          stream: f.schoolA,
          version: await reserveVersions(trx, f.schoolA),
        })
        .execute();
      for (const student of f.students.A.slice(0, 2)) {
        await trx.insertInto('person_links').values({ id: newId(), school_id: f.schoolA, parent_id: extra.parent, student_id: student }).execute();
      }
    });
    app = await buildTestApp(db);
    teacherA = await signIn(app, 'teachera');
    teacherB = await signIn(app, 'teacherb');
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  async function pull(headers: Record<string, string>, cursor?: string, limit?: number) {
    const params = new URLSearchParams({ schemaVersion: String(SCHEMA_VERSION) });
    if (cursor !== undefined) params.set('cursor', cursor);
    if (limit !== undefined) params.set('limit', String(limit));
    return app.inject({ method: 'GET', url: `/api/sync/pull?${params}`, headers });
  }
  async function pullOk(headers: Record<string, string>, cursor?: string, limit?: number): Promise<PullResponse> {
    const res = await pull(headers, cursor, limit);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<PullResponse>();
  }
  /** Pulls page after page until the server says there is no more; returns every change and the last cursor. */
  async function pullAll(headers: Record<string, string>, cursor?: string, limit?: number) {
    const changes: Change[] = [];
    const pages: PullResponse[] = [];
    let next = cursor;
    for (let i = 0; i < 1000; i++) {
      const page = await pullOk(headers, next, limit);
      pages.push(page);
      changes.push(...page.changes);
      next = page.cursor;
      if (!page.hasMore) return { changes, cursor: next, pages };
    }
    throw new Error('pull never finished');
  }
  async function accessFor(username: string): Promise<Access> {
    const token = (await signIn(app, username)).authorization!.slice(7);
    const principal = await app.ctx.auth.principalFor(token);
    return new Access(principal!, await new OrgTreeCache(db.kysely).get());
  }

  it("gives a teacher of school A the school's rows and the shared rows above it, and nothing of school B", async () => {
    const { changes, pages } = await pullAll(teacherA);
    expect(pages).toHaveLength(1);
    expect(pages[0]!.remaining).toBe(0);
    const keys = new Set(changes.map(key));
    expect(keys.size).toBe(changes.length);

    for (const id of [f.department, f.communeA, f.cluster, f.schoolA, f.communeB, f.schoolC]) expect(keys).toContain(`unit:${id}`);
    expect(keys).not.toContain(`unit:${f.schoolB}`);
    expect(keys).toContain(`schoolYear:${f.schoolYear}`);
    expect(keys).toContain(`activityType:${f.activityType}`);
    expect(keys).toContain(`class:${f.classes.A}`);
    expect(keys).toContain(`session:${f.sessions.A}`);
    expect(keys).toContain(`session:${extra.communeSession}`);
    expect(keys).toContain(`requirement:${extra.clusterRequirement}`);
    for (const p of [...f.students.A, ...f.staff.A, extra.parent]) expect(keys).toContain(`person:${p}`);

    expect(keys).not.toContain(`session:${extra.otherCommuneSession}`);
    expect(keys).not.toContain(`session:${f.sessions.B}`);
    expect(keys).not.toContain(`session:${f.sessions.C}`);
    for (const c of changes) {
      expect(c.op).toBe('put');
      if ('schoolId' in c.row && c.row.schoolId !== null) expect(c.row.schoolId).toBe(f.schoolA);
    }
    // Shared streams come first: the department's rows before the school's.
    const firstSchoolRow = changes.findIndex((c) => c.row.schoolId === f.schoolA);
    const lastDepartmentRow = changes.map((c) => c.entity === 'activityType').lastIndexOf(true);
    expect(lastDepartmentRow).toBeLessThan(firstSchoolRow);
  });

  it('sends rows in their shared shapes, terms with school years and students with parents', async () => {
    const { changes } = await pullAll(teacherA);
    for (const c of changes) {
      const parsed = ENTITY_SCHEMAS[c.entity].safeParse(c.row);
      expect(parsed.success, `${c.entity} ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
    const year = changes.find((c) => c.entity === 'schoolYear')!.row;
    const terms = await db.kysely.selectFrom('terms').select(['no', 'start_date']).where('school_year_id', '=', f.schoolYear).orderBy('no').execute();
    expect(terms.length).toBeGreaterThan(0);
    expect(year.terms).toEqual(terms.map((t) => expect.objectContaining({ no: t.no, startDate: t.start_date })));
    const parent = changes.find((c) => c.row.id === extra.parent)!.row;
    expect([...(parent.studentIds as string[])].sort()).toEqual(f.students.A.slice(0, 2).sort());
    const type = changes.find((c) => c.entity === 'activityType')!.row;
    expect(type).toMatchObject({ carriesCommitment: false, audiences: ['staff', 'students'] });
  });

  it('pages with small limits return every row exactly once, with an honest remaining count', async () => {
    const whole = await pullAll(teacherA);
    const total = whole.changes.length;
    for (const limit of [1, 3, 7, 50]) {
      const paged = await pullAll(teacherA, undefined, limit);
      expect(paged.changes.map(key).sort()).toEqual(whole.changes.map(key).sort());
      let seen = 0;
      for (const page of paged.pages) {
        expect(page.changes.length).toBeLessThanOrEqual(limit);
        seen += page.changes.length;
        expect(page.remaining).toBe(total - seen);
      }
    }
  });

  it('sends only what changed since the cursor, deletes as tombstones, and nothing once caught up', async () => {
    const start = await pullAll(teacherA);
    expect((await pullOk(teacherA, start.cursor)).changes).toEqual([]);

    const m = { id: newId(), name: 'attendance.mark', args: { sessionId: f.sessions.A, personId: f.students.A[3]!, status: 'present' }, clientTime: new Date().toISOString() };
    const pushed = await app.inject({
      method: 'POST',
      url: '/api/sync/push',
      headers: teacherA,
      payload: { clientId: 'tablet-0001', schemaVersion: SCHEMA_VERSION, mutations: [m] },
    });
    expect(pushed.statusCode).toBe(200);
    const classToDelete = newId();
    await db.kysely.transaction().execute(async (trx) => {
      await trx.insertInto('classes').values({
        id: classToDelete,
        school_id: f.schoolA,
        school_year_id: f.schoolYear,
        grade: 1,
        name: '1A9',
        code: null,
        homeroom_person_id: null,
        status: 'active',
        stream: f.schoolA,
        version: await reserveVersions(trx, f.schoolA),
      }).execute();
    });
    const afterInsert = await pullAll(teacherA, start.cursor);
    expect(afterInsert.changes.map((c) => [c.entity, c.op])).toEqual([
      ['attendance', 'put'],
      ['class', 'put'],
    ]);
    expect(afterInsert.changes[0]!.row).toMatchObject({ personId: f.students.A[3], status: 'present', markedBy: f.users.teacherA });

    await db.kysely.transaction().execute(async (trx) => {
      await trx.deleteFrom('classes').where('id', '=', classToDelete).execute();
      await trx
        .insertInto('tombstones')
        .values({ entity: 'class', id: classToDelete, stream: f.schoolA, version: await reserveVersions(trx, f.schoolA), deleted_at: new Date().toISOString() })
        .execute();
    });
    const afterDelete = await pullAll(teacherA, afterInsert.cursor);
    expect(afterDelete.changes).toEqual([{ entity: 'class', op: 'delete', row: { id: classToDelete } }]);
    // Teacher B's devices never hear of it.
    const b = await pullAll(teacherB);
    expect(b.changes.map(key)).not.toContain(`class:${classToDelete}`);
    expect(b.changes.some((c) => c.row.schoolId === f.schoolA)).toBe(false);
  });

  it('moves the cursor past versions that produced no row', async () => {
    const start = await pullAll(teacherA);
    await db.kysely.transaction().execute((trx) => reserveVersions(trx, f.schoolA, 5));
    const page = await pullOk(teacherA, start.cursor);
    expect(page.changes).toEqual([]);
    const counter = await db.kysely.selectFrom('stream_versions').select('version').where('stream', '=', f.schoolA).executeTakeFirstOrThrow();
    expect(decodeCursor(page.cursor).get(f.schoolA)).toBe(counter.version);
  });

  it('drops streams out of scope from the cursor and starts new ones at 0', async () => {
    const b = await pullAll(teacherB);
    const fromB = await pullAll(teacherA, b.cursor);
    const fresh = await pullAll(teacherA);
    // Streams A and B share (the department) are not sent again; everything else of A's scope is.
    const sharedKeys = new Set(b.changes.map(key));
    expect(fromB.changes.map(key).sort()).toEqual(fresh.changes.map(key).filter((k) => !sharedKeys.has(k)).sort());
    const streamsA = new Set((await accessFor('teachera')).pullStreams());
    for (const stream of decodeCursor(fromB.cursor).keys()) expect(streamsA.has(stream)).toBe(true);
    expect(decodeCursor(fromB.cursor).has(f.schoolB)).toBe(false);
  });

  it('sends a stream again from the start when the cursor is ahead of the database', async () => {
    const whole = await pullAll(teacherA);
    const ahead = decodeCursor(whole.cursor);
    ahead.set(f.schoolA, (ahead.get(f.schoolA) ?? 0) + 1000);
    const withoutSchool = decodeCursor(whole.cursor);
    withoutSchool.delete(f.schoolA);
    const restarted = await pullAll(teacherA, encodeCursor(ahead));
    const expected = await pullAll(teacherA, encodeCursor(withoutSchool));
    expect(expected.changes.length).toBeGreaterThan(f.students.A.length);
    expect(restarted.changes).toEqual(expected.changes);
  });

  it('refuses a malformed cursor, an outdated app and a bad limit, and needs a signed-in user', async () => {
    const truncated = Buffer.from([1, 0, 0x01, 0x98]).toString('base64url');
    const versionZero = Buffer.from([1, 3, 0x61, 0x62, 0x63, 0]).toString('base64url');
    for (const cursor of ['%%%', 'AAAA', truncated, versionZero, 'not base64!']) {
      const res = await pull(teacherA, cursor);
      expect(res.statusCode, cursor).toBe(400);
    }
    const old = await app.inject({ method: 'GET', url: `/api/sync/pull?schemaVersion=${SCHEMA_VERSION - 1}`, headers: teacherA });
    expect(old.statusCode).toBe(426);
    expect((await pull(teacherA, undefined, 0)).statusCode).toBe(400);
    expect((await pull(teacherA, undefined, 100_000)).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/api/sync/pull' })).statusCode).toBe(401);
  });

  it('keeps the cursor compact for an officer of many streams', async () => {
    const streams = Array.from({ length: 150 }, () => newId());
    const cursor = new Map(streams.map((s, i) => [s, 100_000 + i]));
    const text = encodeCursor(cursor);
    // About 20 bytes a stream before base64: well under half of the obvious JSON.
    expect(text.length).toBeLessThan(150 * 28);
    expect(text.length).toBeLessThan(JSON.stringify(Object.fromEntries(cursor)).length / 1.7);
    expect(decodeCursor(text)).toEqual(cursor);
    expect(decodeCursor(encodeCursor(new Map([['stream-a', 3]])))).toEqual(new Map([['stream-a', 3]]));
  });
});
