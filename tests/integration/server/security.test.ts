import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/server/app';
import { loadConfig } from '../../../src/server/config';
import { buildTestApp, signIn } from '../../helpers/app';
import { testDbKinds, type TestDb } from '../../helpers/db';
import { PASSWORD, createFixture } from '../../helpers/fixtures';

function directives(csp: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of csp.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), values);
  }
  return out;
}

/** Something a stack trace or an error detail would carry. */
const LEAK = /\bat .+\(|\/src\/|\/work\/|node_modules|\.ts:\d+/;

describe.each(testDbKinds())('security on $kind', ({ open }) => {
  let db: TestDb;
  let app: FastifyInstance;

  beforeAll(async () => {
    db = await open();
    await createFixture(db.kysely);
    app = await buildTestApp(db);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('sends a Content-Security-Policy that allows scripts only from this origin and no framing', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    const csp = directives(String(res.headers['content-security-policy']));
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).not.toContain("'unsafe-inline'");
    expect(csp.get('script-src')).not.toContain("'unsafe-eval'");
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('keeps CORS closed: no Access-Control-Allow-Origin, even on a preflight', async () => {
    const origin = 'https://evil.example';
    const headers = await signIn(app, 'teachera');
    const answers = [
      await app.inject({ method: 'GET', url: '/api/auth/me', headers: { ...headers, origin } }),
      await app.inject({ method: 'GET', url: '/api/health', headers: { origin } }),
      await app.inject({
        method: 'OPTIONS',
        url: '/api/auth/login',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      }),
    ];
    for (const res of answers) {
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      expect(res.headers['access-control-allow-methods']).toBeUndefined();
    }
  });

  it('echoes a well-formed x-request-id and replaces a malformed one', async () => {
    const given = await app.inject({ method: 'GET', url: '/api/health', headers: { 'x-request-id': 'tablet-42.req_0001' } });
    expect(given.headers['x-request-id']).toBe('tablet-42.req_0001');
    const bad = await app.inject({ method: 'GET', url: '/api/health', headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const none = await app.inject({ method: 'GET', url: '/api/health' });
    expect(none.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(none.headers['x-request-id']).not.toBe(bad.headers['x-request-id']);
  });

  it('marks every /api answer no-store, errors included', async () => {
    const headers = await signIn(app, 'teachera');
    const requests = [
      { method: 'GET', url: '/api/health' },
      { method: 'GET', url: '/api/auth/me', headers },
      { method: 'GET', url: '/api/auth/me' },
      { method: 'GET', url: '/api/no-such-route' },
      { method: 'POST', url: '/api/auth/login', payload: { username: 'teachera', password: PASSWORD } },
    ] as const;
    for (const req of requests) {
      const res = await app.inject(req);
      expect(res.headers['cache-control'], `${req.method} ${req.url} ${res.statusCode}`).toBe('no-store');
    }
  });

  it('answers an unknown /api route with a JSON 404', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/no-such-route' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toMatchObject({ error: 'not_found' });
  });
});

describe.each(testDbKinds())('errors and logs on $kind', ({ open }) => {
  let db: TestDb;
  let app: FastifyInstance;
  const lines: string[] = [];
  const SECRET = 'connection string postgres://admin:hunter2@db.internal/prod';

  beforeAll(async () => {
    db = await open();
    await createFixture(db.kysely);
    app = await buildApp({
      config: loadConfig({ LOG_LEVEL: 'trace' }),
      db,
      loggerStream: { write: (line: string) => void lines.push(line) },
    });
    // Fastify takes routes until the app is ready (the first inject readies it): a route that fails the way a bug would.
    app.get('/api/test/boom', async () => {
      throw new Error(SECRET);
    });
    app.post('/api/test/boom-async', async () => {
      await Promise.resolve();
      throw new TypeError("Cannot read properties of undefined (reading 'school_id')");
    });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('answers a 500 with the request id only: no message, no stack, no path', async () => {
    for (const [method, url] of [
      ['GET', '/api/test/boom'],
      ['POST', '/api/test/boom-async'],
    ] as const) {
      const res = await app.inject({ method, url, headers: { 'x-request-id': 'req-boom-0001' } });
      expect(res.statusCode).toBe(500);
      const body = res.json() as { error: string; message: string };
      expect(Object.keys(body).sort()).toEqual(['error', 'message']);
      expect(body.error).toBe('internal');
      expect(body.message).toContain('req-boom-0001');
      expect(res.body).not.toContain('hunter2');
      expect(res.body).not.toContain('school_id');
      expect(res.body).not.toMatch(LEAK);
    }
    // The detail goes to the log for whoever runs the server.
    expect(lines.join('\n')).toContain('hunter2');
  });

  it('writes no password and no token to the log, even at trace level', async () => {
    const from = lines.length;
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'principala', password: PASSWORD } });
    expect(login.statusCode).toBe(200);
    const { token } = login.json() as { token: string };
    const headers = { authorization: `Bearer ${token}` };
    await app.inject({ method: 'GET', url: '/api/auth/me', headers });
    await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'principala', password: 'wrong-guess-pw' } });
    const newPassword = 'brand-new-password-42';
    await app.inject({ method: 'POST', url: '/api/auth/password', headers, payload: { currentPassword: PASSWORD, newPassword } });
    const refreshed = await app.inject({ method: 'POST', url: '/api/auth/refresh', headers });
    const { token: second } = refreshed.json() as { token: string };
    await app.inject({ method: 'GET', url: '/api/test/boom', headers: { authorization: `Bearer ${second}` } });
    await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { authorization: `Bearer ${second}` } });

    const log = lines.slice(from).join('\n');
    // Logging is on: the requests above are in it, so the absences below mean something.
    expect(log).toContain('/api/auth/login');
    expect(log).toContain('/api/auth/password');
    for (const secret of [PASSWORD, 'wrong-guess-pw', newPassword, token, second]) expect(log).not.toContain(secret);
  });
});
