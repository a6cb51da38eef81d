import type { FastifyInstance } from 'fastify';
import type { Response as InjectResponse } from 'light-my-request';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signIn } from '../../helpers/app';
import { testDbKinds, type TestDb } from '../../helpers/db';
import { createFixture, type Fixture } from '../../helpers/fixtures';
import { ROUTES, activeRoutes, routeKey, type RouteEntry } from '../../helpers/route-catalogue';

/** Something a stack trace or an internal detail would carry. */
const LEAK = /\bat .+\(|\/src\/|\/work\/|node_modules|\.ts:\d+|Error:|FST_/;

interface ErrorBody {
  error: string;
  message: string;
  fields?: { field: string; message: string }[];
}

/** A 4xx in the one error shape, in plain words, with no trace of the server's insides. */
function expectCleanError(res: InjectResponse, statuses: number[], label: string): ErrorBody {
  expect(statuses, `${label}: ${res.statusCode} ${res.body}`).toContain(res.statusCode);
  expect(res.headers['content-type'], label).toMatch(/^application\/json/);
  const body = res.json() as ErrorBody;
  expect(Object.keys(body).every((k) => ['error', 'message', 'fields'].includes(k)), label).toBe(true);
  expect(body.error, label).toMatch(/^[a-z_]+$/);
  expect(body.message.length, label).toBeGreaterThan(0);
  expect(res.body, label).not.toMatch(LEAK);
  for (const fp of body.fields ?? []) expect(fp.message.length, `${label}: ${fp.field}`).toBeGreaterThan(0);
  return body;
}

describe.each(testDbKinds())('malformed input on $kind', ({ open }) => {
  let db: TestDb;
  let app: FastifyInstance;
  let f: Fixture;
  let headers: Record<string, string>;

  /** The tables of this database only: on PostgreSQL the introspection also lists other schemas' tables. */
  async function ownTables(): Promise<{ name: string }[]> {
    const tables = await db.kysely.introspection.getTables();
    if (db.kind !== 'postgres') return tables;
    const r = await sql<{ schema: string }>`select current_schema() as schema`.execute(db.kysely);
    return tables.filter((t) => t.schema === r.rows[0]!.schema);
  }

  async function rowCounts(): Promise<Record<string, number>> {
    const tables = await ownTables();
    const out: Record<string, number> = {};
    for (const t of tables) {
      const r = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(t.name)}`.execute(db.kysely);
      out[t.name] = Number(r.rows[0]!.n);
    }
    return out;
  }

  beforeAll(async () => {
    db = await open();
    f = await createFixture(db.kysely);
    app = await buildTestApp(db);
    await app.ready();
    // Signed in before any count is taken: the token row is not the routes' doing.
    headers = await signIn(app, 'admin');
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('has bad inputs listed for every route that takes a body or a query', () => {
    for (const route of ROUTES) {
      const takesQuery = route.request({ f, user: 'admin' }).url.includes('?');
      if (route.jsonBody || takesQuery) expect(route.malformed?.length ?? 0, routeKey(route)).toBeGreaterThan(0);
    }
  });

  const each = (name: string, fn: (route: RouteEntry) => Promise<void>) =>
    it(name, async () => {
      expect((await ownTables()).length).toBeGreaterThan(10);
      const before = await rowCounts();
      for (const route of activeRoutes(app)) await fn(route);
      expect(await rowCounts()).toEqual(before);
    });

  each('answers wrong types, missing fields and overlong strings with 400 naming each bad field', async (route) => {
    for (const bad of route.malformed ?? []) {
      const spec = bad.request(f);
      const label = `${routeKey(route)} ${bad.name}`;
      const res = await app.inject({
        method: route.method,
        url: spec.url,
        headers,
        ...(spec.payload === undefined ? {} : { payload: spec.payload as object }),
      });
      const body = expectCleanError(res, [400], label);
      expect(body.error, label).toBe('bad_request');
      const named = (body.fields ?? []).map((x) => x.field);
      for (const field of bad.fields) expect(named, label).toContain(field);
    }
  });

  each('answers a body that is not JSON with 400', async (route) => {
    if (!route.jsonBody) return;
    for (const payload of ['{"username": "admin", ', 'not json at all', '{"a":1}}']) {
      const res = await app.inject({
        method: route.method,
        url: route.path,
        headers: { ...headers, 'content-type': 'application/json' },
        payload,
      });
      expectCleanError(res, [400], `${routeKey(route)} ${JSON.stringify(payload)}`);
    }
    const empty = await app.inject({
      method: route.method,
      url: route.path,
      headers: { ...headers, 'content-type': 'application/json' },
      payload: '',
    });
    expectCleanError(empty, [400], `${routeKey(route)} empty body`);
  });

  each('answers another content type with 415', async (route) => {
    if (route.method === 'GET') return;
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await app.inject({
        method: route.method,
        url: route.path,
        headers: { ...headers, 'content-type': contentType },
        payload: 'username=admin&password=x',
      });
      expectCleanError(res, [415], `${routeKey(route)} ${contentType}`);
    }
  });

  each('answers a body over the limit with 413', async (route) => {
    if (route.method === 'GET') return;
    const limit = route.bodyLimit ?? 1024 * 1024;
    const payload = JSON.stringify({ padding: 'x'.repeat(limit) });
    const res = await app.inject({
      method: route.method,
      url: route.path,
      headers: { ...headers, 'content-type': 'application/json' },
      payload,
    });
    expectCleanError(res, [413], `${routeKey(route)} ${payload.length} bytes`);
  });
});
