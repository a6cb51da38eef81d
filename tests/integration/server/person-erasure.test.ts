import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/domain/ids';
import { reserveVersions } from '../../../src/server/db/versions';
import { buildTestApp, signIn } from '../../helpers/app';
import { testDbKinds, type TestDb } from '../../helpers/db';
import { createFixture, type Fixture } from '../../helpers/fixtures';
import { Device, replay } from './plan-helpers';

/**
 * The right to erasure (issue #8 item 5): after DELETE /api/persons/:id nothing in any table names the person or
 * carries their id — except the tombstone that tells devices to delete them and the audit entry, which hold the
 * id (a random UUID, meaningless once the person is gone) and nothing else — and a device that syncs loses them.
 */

type Row = Record<string, unknown>;

/** Every row of every table of the database, by table. */
async function everyRow(db: TestDb): Promise<Map<string, Row[]>> {
  const tables =
    db.kind === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db.kysely)).rows
      : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(db.kysely))
          .rows;
  const out = new Map<string, Row[]>();
  for (const { name } of tables) out.set(name, (await sql<Row>`select * from ${sql.table(name)}`.execute(db.kysely)).rows);
  return out;
}

/** Where a text occurs in the database, as "table: row" lines (allowed places filtered out by the caller). */
async function traces(db: TestDb, needle: string): Promise<{ table: string; row: Row }[]> {
  const found: { table: string; row: Row }[] = [];
  for (const [table, rows] of await everyRow(db)) {
    for (const row of rows) if (JSON.stringify(row).includes(needle)) found.push({ table, row });
  }
  return found;
}

describe.each(testDbKinds())('erasing a person on $kind', ({ open }) => {
  let db: TestDb;
  let app: FastifyInstance;
  let f: Fixture;

  beforeAll(async () => {
    db = await open();
    f = await createFixture(db.kysely, 3);
    app = await buildTestApp(db);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('leaves no trace of a student in any table, and a synced device deletes them at its next pull', async () => {
    const principal = new Device(app, await signIn(app, 'principala'));
    const teacher = new Device(app, await signIn(app, 'teachera'));
    const name = 'Trần Thị Xoá Dấu';
    const studentId = newId();
    const parentId = newId();
    const consentId = newId();
    const base = { code: 'HS-XOA-01', sex: 'female', status: 'active', joinedOn: null, leftOn: null, roleTags: [] };
    expect(
      await principal.push([
        { name: 'person.save', args: { ...base, id: studentId, schoolId: f.schoolA, kind: 'student', fullName: name, birthYear: 2016, classId: f.classes.A } },
        { name: 'person.save', args: { ...base, code: null, id: parentId, schoolId: f.schoolA, kind: 'parent', fullName: 'Trần Văn Bố', birthYear: null, classId: null } },
        { name: 'person.linkParent', args: { parentId, studentId } },
      ]),
    ).toMatchObject([{ status: 'applied' }, { status: 'applied' }, { status: 'applied' }]);
    expect(
      await teacher.push([
        { name: 'attendance.mark', args: { sessionId: f.sessions.A, personId: studentId, status: 'late', note: `${name} đến muộn` } },
        { name: 'consent.record', args: { id: consentId, personId: studentId, kind: 'signature', childConsent: true, parentConsent: true, note: null } },
      ]),
    ).toMatchObject([{ status: 'applied' }, { status: 'applied' }]);

    // A signed commitment with its signature image, and a drill headcount that named the student as missing.
    const signature = 'ab'.repeat(32);
    const now = new Date().toISOString();
    await db.kysely.transaction().execute(async (trx) => {
      await trx
        .insertInto('commitments')
        .values({
          id: newId(), school_id: f.schoolA, school_year_id: f.schoolYear, person_id: studentId, kind: 'student_traffic',
          signed_by: 'self', signer_person_id: null, method: 'signature', signature_hash: signature, signed_at: now,
          device_id: 'tablet-1', stream: f.schoolA, version: await reserveVersions(trx, f.schoolA),
        })
        .execute();
      await trx.insertInto('stored_files').values({ sha256: signature, size: 100, mime: 'image/png', created_at: now, first_uploaded_by: f.users.teacherA }).execute();
      await trx.insertInto('file_uploaders').values({ sha256: signature, user_id: f.users.teacherA, purpose: 'signature', name: `chu-ky-${name}.png`, created_at: now }).execute();
      const other = f.students.A[0]!;
      await trx
        .insertInto('drill_headcounts')
        .values({
          id: newId(), school_id: f.schoolA, session_id: f.sessions.A, class_id: f.classes.A, present_count: 1, missing_count: 2,
          absent_count: 0, missing_person_ids: JSON.stringify([studentId, other]), reported_by: f.users.teacherA, reported_at: now,
          stream: f.schoolA, version: await reserveVersions(trx, f.schoolA),
        })
        .execute();
    });

    const before = await teacher.pull();
    expect(replay(before, 'person').has(studentId)).toBe(true);
    expect([...replay(before, 'attendance').values()].some((a) => a.personId === studentId)).toBe(true);
    expect(replay(before, 'consent').has(consentId)).toBe(true);
    expect(replay(before, 'person').get(parentId)?.studentIds).toEqual([studentId]);
    expect((await traces(db, name)).length).toBeGreaterThan(0);

    const res = await app.inject({ method: 'DELETE', url: `/api/persons/${studentId}`, headers: principal.headers });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ erased: true, removed: { attendance: 1, attendanceHistory: 1, commitments: 1, consents: 1, links: 1, drillMentions: 1, signatureFiles: 1 } });

    expect(await traces(db, name), 'the name is gone from every table').toEqual([]);
    const idTraces = (await traces(db, studentId)).filter(
      ({ table, row }) => !(table === 'tombstones' && row.id === studentId && row.entity === 'person') && !(table === 'audit_log' && row.entity_id === studentId),
    );
    expect(idTraces, 'the id survives only in its tombstone and the audit entry').toEqual([]);
    expect(await traces(db, signature), 'the signature file is forgotten').toEqual([]);

    const audit = await db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'person.erase').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ user_id: f.users.principalA, entity: 'person', entity_id: studentId, school_id: f.schoolA });
    expect(JSON.stringify(audit[0])).not.toContain('Xoá');

    // The device that held the student deletes them, their mark and their consent; the parent no longer lists them.
    const after = await teacher.pull();
    const deleted = after.filter((c) => c.op === 'delete').map((c) => c.entity).sort();
    expect(deleted).toEqual(['attendance', 'commitment', 'consent', 'person']);
    const all = [...before, ...after];
    expect(replay(all, 'person').has(studentId)).toBe(false);
    expect([...replay(all, 'attendance').values()].some((a) => a.personId === studentId)).toBe(false);
    expect(replay(all, 'consent').has(consentId)).toBe(false);
    expect(replay(all, 'person').get(parentId)?.studentIds).toEqual([]);
    expect(JSON.stringify([...replay(all, 'drillHeadcount').values()])).not.toContain(studentId);

    // Erased means gone: a second erase finds nothing.
    const again = await app.inject({ method: 'DELETE', url: `/api/persons/${studentId}`, headers: principal.headers });
    expect(again.statusCode).toBe(404);
  });

  it('erases a staff member: their account is closed and nameless, classes and sessions no longer name them', async () => {
    const principal = await signIn(app, 'principala');
    const name = 'Lê Văn Giáo Viên Xoá';
    const staffId = newId();
    const userId = newId();
    const now = new Date().toISOString();
    await db.kysely.transaction().execute(async (trx) => {
      await trx
        .insertInto('persons')
        .values({
          id: staffId, school_id: f.schoolA, kind: 'staff', full_name: name, code: null, birth_year: 1980, sex: 'male', class_id: null,
          role_tags: '["homeroom"]', status: 'active', joined_on: null, left_on: null, created_at: now, updated_at: now,
          stream: f.schoolA, version: await reserveVersions(trx, f.schoolA),
        })
        .execute();
      await trx
        .insertInto('users')
        .values({
          id: userId, username: 'levangiaovienxoa.a', display_name: name, password_hash: 'x', person_id: staffId, active: 1,
          must_change_password: 0, created_at: now, updated_at: now, school_id: f.schoolA,
        })
        .execute();
      await trx.updateTable('classes').set({ homeroom_person_id: staffId }).where('id', '=', f.classes.A).execute();
      await trx.updateTable('sessions').set({ facilitator_person_id: staffId }).where('id', '=', f.sessions.A).execute();
    });

    const exported = await app.inject({ method: 'GET', url: `/api/persons/${staffId}/export`, headers: principal });
    expect(exported.statusCode, exported.body).toBe(200);
    expect(exported.json()).toMatchObject({ person: { id: staffId, fullName: name }, accounts: [{ username: 'levangiaovienxoa.a', active: true }] });
    const exportAudit = await db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'person.export').execute();
    expect(exportAudit.map((a) => a.entity_id)).toContain(staffId);

    const res = await app.inject({ method: 'DELETE', url: `/api/persons/${staffId}`, headers: principal });
    expect(res.statusCode, res.body).toBe(200);
    expect(await traces(db, name)).toEqual([]);
    const idTraces = (await traces(db, staffId)).filter(
      ({ table, row }) => !(table === 'tombstones' && row.id === staffId) && !(table === 'audit_log' && row.entity_id === staffId),
    );
    expect(idTraces).toEqual([]);
    const user = await db.kysely.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ active: 0, person_id: null });
    const signInAttempt = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'levangiaovienxoa.a', password: 'x' } });
    expect(signInAttempt.statusCode).toBe(401);
  });

  it('lets only those who manage the school erase or export, and answers others as if the person did not exist', async () => {
    const person = f.students.A[2]!;
    for (const username of ['teachera', 'principalb', 'officercommunea']) {
      const headers = await signIn(app, username);
      const res = await app.inject({ method: 'DELETE', url: `/api/persons/${person}`, headers });
      if (username === 'officercommunea') {
        expect(res.statusCode).toBe(200);
      } else {
        expect(res.statusCode, username).toBe(404);
        expect(await db.kysely.selectFrom('persons').select('id').where('id', '=', person).executeTakeFirst()).toBeDefined();
      }
    }
  });
});
