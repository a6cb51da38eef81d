import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BulkAccountsResponse } from '../../../src/shared/org/api';
import { schoolSlug, usernameBase } from '../../../src/shared/org/api';
import { reserveVersions } from '../../../src/server/db/versions';
import { newId } from '../../../src/shared/domain/ids';
import { buildTestApp, signIn } from '../../helpers/app';
import { testDbKinds, type TestDb } from '../../helpers/db';
import { createFixture, type Fixture } from '../../helpers/fixtures';

describe('usernames', () => {
  it('are the unaccented name and school, dotted', () => {
    expect(`${usernameBase('Nguyễn Văn A')}.${schoolSlug('Trường Tiểu học Dịch Vọng')}`).toBe('nguyenvana.dichvong');
    expect(usernameBase('Đặng Thị Đào')).toBe('dangthidao');
    expect(schoolSlug('Trường THCS Nguyễn Trãi')).toBe('nguyentrai');
    expect(usernameBase('  ')).toBe('canbo');
  });
});

describe.each(testDbKinds())('accounts on $kind', ({ open }) => {
  let db: TestDb;
  let app: FastifyInstance;
  let f: Fixture;
  let principal: Record<string, string>;

  beforeAll(async () => {
    db = await open();
    f = await createFixture(db.kysely, 2);
    app = await buildTestApp(db);
    principal = await signIn(app, 'principala');
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const post = (url: string, headers: Record<string, string>, payload?: object) =>
    app.inject({ method: 'POST', url, headers, ...(payload ? { payload } : {}) });

  async function addStaff(name: string): Promise<string> {
    const id = newId();
    const now = new Date().toISOString();
    await db.kysely.transaction().execute(async (trx) => {
      await trx
        .insertInto('persons')
        .values({
          id, school_id: f.schoolA, kind: 'staff', full_name: name, code: null, birth_year: 1990, sex: null, class_id: null,
          role_tags: '["teacher"]', status: 'active', joined_on: null, left_on: null, created_at: now, updated_at: now,
          stream: f.schoolA, version: await reserveVersions(trx, f.schoolA),
        })
        .execute();
    });
    return id;
  }

  it('creates accounts in bulk: unique usernames, passwords shown once, hashed, and changed at first sign-in', async () => {
    const twins = [await addStaff('Nguyễn Văn Bình'), await addStaff('Nguyễn Văn Bình')];
    const res = await post(`/api/schools/${f.schoolA}/accounts/bulk`, principal, { personIds: twins });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json<BulkAccountsResponse>();
    expect(body.created.map((a) => a.username)).toEqual(['nguyenvanbinh.a', 'nguyenvanbinh.a2']);
    for (const a of body.created) expect(a.initialPassword).toMatch(/^[A-Za-z2-9]{12}$/);

    // The password is nowhere in the database, not even the hash's text.
    const password = body.created[0]!.initialPassword;
    const tables = db.kind === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db.kysely)).rows
      : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(db.kysely)).rows;
    for (const { name } of tables) {
      const rows = (await sql`select * from ${sql.table(name)}`.execute(db.kysely)).rows;
      expect(JSON.stringify(rows), name).not.toContain(password);
    }

    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nguyenvanbinh.a', password } });
    expect(login.statusCode).toBe(200);
    const session = login.json<{ token: string; user: { mustChangePassword: boolean; grants: { role: string; unitId: string }[] } }>();
    expect(session.user.mustChangePassword).toBe(true);
    expect(session.user.grants).toEqual([expect.objectContaining({ role: 'teacher', unitId: f.schoolA })]);
    const headers = { authorization: `Bearer ${session.token}` };
    // Until the initial password is changed, the account may do nothing else (whoever printed the sheet knows it).
    const early = await app.inject({ method: 'GET', url: '/api/sync/pull?limit=10', headers });
    expect(early.statusCode).toBe(403);
    expect(early.json<{ message: string }>().message).toContain('đổi mật khẩu');
    const changed = await post('/api/auth/password', headers, { currentPassword: password, newPassword: 'mat-khau-moi-2026' });
    expect(changed.statusCode).toBe(204);
    const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers });
    expect(me.json<{ mustChangePassword: boolean }>().mustChangePassword).toBe(false);
    expect((await app.inject({ method: 'GET', url: '/api/sync/pull?limit=10', headers })).statusCode).toBe(200);

    // Again: nothing new, the existing accounts are named.
    const again = await post(`/api/schools/${f.schoolA}/accounts/bulk`, principal, { personIds: twins });
    expect(again.statusCode).toBe(200);
    expect(again.json<BulkAccountsResponse>()).toMatchObject({ created: [], skipped: [{ username: 'nguyenvanbinh.a' }, { username: 'nguyenvanbinh.a2' }] });

    const list = await app.inject({ method: 'GET', url: `/api/schools/${f.schoolA}/accounts`, headers: principal });
    const offered = list.json<{ staffWithoutAccount: { personId: string }[] }>().staffWithoutAccount.map((p) => p.personId);
    expect(offered).not.toContain(twins[0]);
    expect(offered).toContain(f.staff.A[0]);
    expect(list.json<{ accounts: { username: string }[] }>().accounts.map((a) => a.username)).toEqual(
      expect.arrayContaining(['nguyenvanbinh.a', 'nguyenvanbinh.a2', 'principala', 'teachera']),
    );
    const audit = await db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'accounts.bulk_create').execute();
    expect(audit).toHaveLength(2);
    expect(audit[0]!.details).not.toContain('Bình');
  });

  it('makes accounts only for active staff of the school', async () => {
    const res = await post(`/api/schools/${f.schoolA}/accounts/bulk`, principal, { personIds: [f.staff.A[0], f.students.A[0], f.staff.B[0]] });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ fields: { field: string }[] }>().fields.map((x) => x.field)).toEqual(['personIds.1', 'personIds.2']);
    expect(await db.kysely.selectFrom('users').select('id').where('person_id', '=', f.staff.A[0]!).executeTakeFirst()).toBeUndefined();
  });

  it('resets a password (old sessions end, the new one must be changed) and deactivates an account', async () => {
    const person = await addStaff('Trần Thị Cúc');
    const made = (await post(`/api/schools/${f.schoolA}/accounts/bulk`, principal, { personIds: [person] })).json<BulkAccountsResponse>().created[0]!;
    const first = await signIn(app, made.username, made.initialPassword);

    const reset = await post(`/api/accounts/${made.userId}/reset-password`, principal);
    expect(reset.statusCode).toBe(200);
    const { initialPassword } = reset.json<{ initialPassword: string }>();
    expect(initialPassword).not.toBe(made.initialPassword);
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: first })).statusCode).toBe(401);
    const second = await signIn(app, made.username, initialPassword);
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: second })).json<{ mustChangePassword: boolean }>().mustChangePassword).toBe(true);

    expect((await post(`/api/accounts/${made.userId}/deactivate`, principal)).statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: second })).statusCode).toBe(401);
    const refused = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: made.username, password: initialPassword } });
    expect(refused.statusCode).toBe(401);
    expect((await post(`/api/accounts/${made.userId}/activate`, principal)).statusCode).toBe(204);
    await signIn(app, made.username, initialPassword);
  });

  it('grants and withdraws roles, never above the granter\'s own scope', async () => {
    const account = f.org.accountA;
    const grantsOf = async () =>
      (await db.kysely.selectFrom('role_grants').select(['role', 'unit_id']).where('user_id', '=', account).orderBy('role').execute()).map((g) => `${g.role}@${g.unit_id}`);

    expect((await post(`/api/accounts/${account}/grants`, principal, { role: 'principal', unitId: f.schoolA })).statusCode).toBe(204);
    expect(await grantsOf()).toEqual([`principal@${f.schoolA}`, `teacher@${f.schoolA}`]);
    // A principal cannot make an officer, nor give a role at another school.
    expect((await post(`/api/accounts/${account}/grants`, principal, { role: 'officer', unitId: f.communeA })).statusCode).toBe(403);
    expect((await post(`/api/accounts/${account}/grants`, principal, { role: 'teacher', unitId: f.schoolB })).statusCode).toBe(403);
    // An officer of the commune can make a commune officer, but no admin; a school role goes on a school only.
    const officer = await signIn(app, 'officercommunea');
    expect((await post(`/api/accounts/${account}/grants`, officer, { role: 'admin', unitId: f.communeA })).statusCode).toBe(403);
    expect((await post(`/api/accounts/${account}/grants`, officer, { role: 'teacher', unitId: f.communeA })).statusCode).toBe(403);
    expect((await post(`/api/accounts/${account}/grants`, officer, { role: 'officer', unitId: f.communeA })).statusCode).toBe(204);
    // Now the account is a commune officer: its school's principal may no longer manage it.
    expect((await post(`/api/accounts/${account}/reset-password`, principal)).statusCode).toBe(404);
    expect((await post(`/api/accounts/${account}/grants/remove`, officer, { role: 'officer', unitId: f.communeA })).statusCode).toBe(204);
    expect((await post(`/api/accounts/${account}/grants/remove`, principal, { role: 'principal', unitId: f.schoolA })).statusCode).toBe(204);
    expect(await grantsOf()).toEqual([`teacher@${f.schoolA}`]);
    expect(
      (await db.kysely.selectFrom('audit_log').select('action').where('entity_id', '=', account).execute()).map((a) => a.action).sort(),
    ).toEqual(['user.grant_added', 'user.grant_added', 'user.grant_removed', 'user.grant_removed']);
  });

  it('keeps each manager to their own accounts', async () => {
    // Another school's principal, an officer of another commune: as if the account did not exist.
    const principalB = await signIn(app, 'principalb');
    expect((await post(`/api/accounts/${f.org.accountA}/reset-password`, principalB)).statusCode).toBe(404);
    // Nobody below an admin manages an admin; nobody manages their own account here.
    const officerDept = await signIn(app, 'officerdept');
    expect((await post(`/api/accounts/${f.users.admin}/deactivate`, officerDept)).statusCode).toBe(404);
    expect((await post(`/api/accounts/${f.users.officerCommuneA}/deactivate`, principal)).statusCode).toBe(404);
    expect((await post(`/api/accounts/${f.users.principalA}/reset-password`, principal)).statusCode).toBe(403);
    expect((await post(`/api/accounts/${f.users.principalA}/reset-password`, officerDept)).statusCode).toBe(200);
  });
});
