import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LoginResponseSchema, WRONG_CREDENTIALS } from '../../../src/shared/auth';
import { hashToken } from '../../../src/server/auth/auth-service';
import { buildTestApp, signIn } from '../../helpers/app';
import { testDbKinds, type TestDb } from '../../helpers/db';
import { PASSWORD, createFixture, type Fixture } from '../../helpers/fixtures';

const login = (app: FastifyInstance, username: string, password: string, remoteAddress = '10.0.0.1') =>
  app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress });

describe.each(testDbKinds())('auth on $kind', ({ open }) => {
  let db: TestDb;
  let f: Fixture;
  // A fresh app per test: the sign-in limiter lives in memory and must not carry failures from one test to the next.
  let app: FastifyInstance;

  beforeAll(async () => {
    db = await open();
    f = await createFixture(db.kysely);
  });
  afterAll(async () => {
    await db.drop();
  });
  beforeEach(async () => {
    app = await buildTestApp(db);
  });
  afterEach(async () => {
    await app.close();
  });

  it('signs in with a token, its expiry and the user with grants and unit names', async () => {
    const before = Date.now();
    const res = await login(app, 'principala', PASSWORD);
    expect(res.statusCode).toBe(200);
    const body = LoginResponseSchema.parse(res.json());
    expect(body.token.length).toBeGreaterThanOrEqual(40);
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(before + 24 * 3600_000);
    expect(body.user).toEqual({
      id: f.users.principalA,
      username: 'principala',
      displayName: 'principalA',
      personId: null,
      mustChangePassword: false,
      grants: [{ role: 'principal', unitId: f.schoolA, unitName: 'Trường Tiểu học A' }],
    });
  });

  it('accepts the username in any case', async () => {
    expect((await login(app, 'PrincipalA', PASSWORD)).statusCode).toBe(200);
  });

  it('answers a wrong password and an unknown user with the same status and message', async () => {
    const wrong = await login(app, 'teachera', 'not-the-password');
    const unknown = await login(app, 'no-such-user', PASSWORD);
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: 'unauthorized', message: WRONG_CREDENTIALS });
    }
    expect(WRONG_CREDENTIALS).toContain('wrong username or password');
  });

  it('refuses an inactive account with the same answer as a wrong password', async () => {
    await db.kysely.updateTable('users').set({ active: 0 }).where('id', '=', f.users.teacherC).execute();
    try {
      const res = await login(app, 'teacherc', PASSWORD);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: 'unauthorized', message: WRONG_CREDENTIALS });
    } finally {
      await db.kysely.updateTable('users').set({ active: 1 }).where('id', '=', f.users.teacherC).execute();
    }
  });

  it('stops a username after 5 failures, even with the right password, and not other usernames', async () => {
    for (let i = 0; i < 5; i++) {
      // Each failure from a different address: the limit is per username, whoever guesses.
      expect((await login(app, 'teacherb', `guess-${i}`, `10.1.0.${i}`)).statusCode).toBe(401);
    }
    const blocked = await login(app, 'teacherb', PASSWORD, '10.1.0.99');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBeDefined();
    expect(blocked.json()).toMatchObject({ error: 'too_many_requests' });
    expect((await login(app, 'TeacherB', PASSWORD, '10.1.0.98')).statusCode).toBe(429);
    expect((await login(app, 'principalb', PASSWORD, '10.1.0.99')).statusCode).toBe(200);
  });

  it('stops an address that tries many usernames, and not other addresses', async () => {
    for (let i = 0; i < 30; i++) {
      expect((await login(app, `guess-user-${i}`, 'guess', '10.2.0.1')).statusCode).toBe(401);
    }
    expect((await login(app, 'officerdept', PASSWORD, '10.2.0.1')).statusCode).toBe(429);
    expect((await login(app, 'officerdept', PASSWORD, '10.2.0.2')).statusCode).toBe(200);
  });

  it('stores the token only as its sha256 hash', async () => {
    const { token } = (await login(app, 'teachera', PASSWORD)).json() as { token: string };
    const rows = await db.kysely.selectFrom('auth_tokens').selectAll().where('user_id', '=', f.users.teacherA).execute();
    expect(rows.map((r) => r.token_hash)).toContain(hashToken(token));
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    for (const row of rows) expect(JSON.stringify(row)).not.toContain(token);
  });

  it('refuses an expired token with 401', async () => {
    const headers = await signIn(app, 'teachera');
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers })).statusCode).toBe(200);
    const token = headers.authorization!.slice('Bearer '.length);
    await db.kysely
      .updateTable('auth_tokens')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('token_hash', '=', hashToken(token))
      .execute();
    const res = await app.inject({ method: 'GET', url: '/api/auth/me', headers });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: 'unauthorized' });
  });

  it('refuses the token of an account made inactive after sign-in', async () => {
    const headers = await signIn(app, 'officercluster');
    await db.kysely.updateTable('users').set({ active: 0 }).where('id', '=', f.users.officerCluster).execute();
    try {
      expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers })).statusCode).toBe(401);
    } finally {
      await db.kysely.updateTable('users').set({ active: 1 }).where('id', '=', f.users.officerCluster).execute();
    }
  });

  it('refreshes to a new token and revokes the old one', async () => {
    const oldHeaders = await signIn(app, 'teachera');
    const res = await app.inject({ method: 'POST', url: '/api/auth/refresh', headers: oldHeaders });
    expect(res.statusCode).toBe(200);
    const refreshed = LoginResponseSchema.parse(res.json());
    expect(`Bearer ${refreshed.token}`).not.toBe(oldHeaders.authorization);
    expect(refreshed.user.id).toBe(f.users.teacherA);
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: oldHeaders })).statusCode).toBe(401);
    const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${refreshed.token}` } });
    expect(me.statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/api/auth/refresh', headers: oldHeaders })).statusCode).toBe(401);
  });

  it('revokes the token on logout, and only that token', async () => {
    const first = await signIn(app, 'principalb');
    const second = await signIn(app, 'principalb');
    const res = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: first });
    expect(res.statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: first })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/auth/logout', headers: first })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: second })).statusCode).toBe(200);
    const row = await db.kysely
      .selectFrom('auth_tokens')
      .select('revoked_at')
      .where('token_hash', '=', hashToken(first.authorization!.slice(7)))
      .executeTakeFirstOrThrow();
    expect(row.revoked_at).not.toBeNull();
  });

  it('answers GET /api/auth/me with the signed-in user', async () => {
    const headers = await signIn(app, 'officercluster');
    const res = await app.inject({ method: 'GET', url: '/api/auth/me', headers });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      id: f.users.officerCluster,
      username: 'officercluster',
      displayName: 'officerCluster',
      personId: null,
      mustChangePassword: false,
      grants: [{ role: 'officer', unitId: f.cluster, unitName: 'Cụm 1' }],
    });
  });

  describe('changing the password', () => {
    const change = (headers: Record<string, string>, currentPassword: string, newPassword: string) =>
      app.inject({ method: 'POST', url: '/api/auth/password', headers, payload: { currentPassword, newPassword } });

    it('refuses a wrong current password with 400 naming the field', async () => {
      const headers = await signIn(app, 'teacherc');
      const res = await change(headers, 'not-the-password', 'a-new-password-123');
      expect(res.statusCode).toBe(400);
      const body = res.json() as { error: string; fields: { field: string }[] };
      expect(body.error).toBe('bad_request');
      expect(body.fields.map((x) => x.field)).toEqual(['currentPassword']);
    });

    it('refuses a new password shorter than 10 characters with 400 naming the field', async () => {
      const headers = await signIn(app, 'teacherc');
      const res = await change(headers, PASSWORD, 'short1');
      expect(res.statusCode).toBe(400);
      expect((res.json() as { fields: { field: string }[] }).fields.map((x) => x.field)).toEqual(['newPassword']);
      expect((await login(app, 'teacherc', PASSWORD)).statusCode).toBe(200);
    });

    it('changes it, clears must_change_password, and the new password signs in', async () => {
      await db.kysely.updateTable('users').set({ must_change_password: 1 }).where('id', '=', f.users.trainer).execute();
      const first = (await login(app, 'trainer', PASSWORD)).json() as { token: string; user: { mustChangePassword: boolean } };
      expect(first.user.mustChangePassword).toBe(true);
      const headers = { authorization: `Bearer ${first.token}` };
      const newPassword = 'a-new-password-123';
      expect((await change(headers, PASSWORD, newPassword)).statusCode).toBe(204);
      const user = await db.kysely.selectFrom('users').selectAll().where('id', '=', f.users.trainer).executeTakeFirstOrThrow();
      expect(user.must_change_password).toBe(0);
      expect(user.password_hash).not.toContain(newPassword);
      expect((await login(app, 'trainer', PASSWORD)).statusCode).toBe(401);
      expect((await login(app, 'trainer', newPassword)).statusCode).toBe(200);
      const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers });
      expect((me.json() as { mustChangePassword: boolean }).mustChangePassword).toBe(false);
      const audit = await db.kysely.selectFrom('audit_log').selectAll().where('user_id', '=', f.users.trainer).execute();
      expect(audit.map((a) => a.action)).toContain('user.password_changed');
    });
  });
});
