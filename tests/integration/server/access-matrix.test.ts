import type { FastifyInstance } from 'fastify';
import type { Response as InjectResponse } from 'light-my-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signIn } from '../../helpers/app';
import { testDbKinds, type TestDb } from '../../helpers/db';
import { createFixture, type Fixture, type FixtureUser } from '../../helpers/fixtures';
import {
  FIXTURE_USERS,
  ROUTES,
  activeRoutes,
  normaliseAnswer,
  registeredApiRoutes,
  routeKey,
  type Outcome,
  type RequestSpec,
  type RouteEntry,
} from '../../helpers/route-catalogue';

describe.each(testDbKinds())('access matrix on $kind', ({ open }) => {
  let db: TestDb;
  let app: FastifyInstance;
  let f: Fixture;
  const tokens = new Map<FixtureUser, Record<string, string>>();

  beforeAll(async () => {
    db = await open();
    f = await createFixture(db.kysely);
    app = await buildTestApp(db);
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  async function headersFor(user: FixtureUser, route: RouteEntry): Promise<Record<string, string>> {
    if (route.spendsToken) return signIn(app, user.toLowerCase());
    let headers = tokens.get(user);
    if (!headers) {
      headers = await signIn(app, user.toLowerCase());
      tokens.set(user, headers);
    }
    return headers;
  }

  function send(route: RouteEntry, spec: RequestSpec, headers: Record<string, string> = {}): Promise<InjectResponse> {
    return app.inject({
      method: route.method,
      url: spec.url,
      headers,
      ...(spec.payload === undefined ? {} : { payload: spec.payload as object }),
    });
  }

  function outcomeOf(route: RouteEntry, res: InjectResponse): Outcome {
    if (route.judge) return route.judge(res);
    if (res.statusCode >= 200 && res.statusCode < 300) return 'allow';
    if (res.statusCode === 403 || res.statusCode === 404) return 'deny';
    throw new Error(`${routeKey(route)} answered ${res.statusCode}, neither allow nor deny: ${res.body}`);
  }

  it('lists every /api route Fastify knows in the catalogue, and every required entry exists', () => {
    const known = registeredApiRoutes(app);
    expect(known.length).toBeGreaterThan(0);
    const catalogued = new Set(ROUTES.map(routeKey));
    const missing = known.filter((k) => !catalogued.has(k));
    expect(missing, 'routes with no entry in tests/helpers/route-catalogue.ts').toEqual([]);
    const required = ROUTES.filter((r) => !r.optional).map(routeKey);
    expect(required.filter((k) => !known.includes(k)), 'catalogue entries whose route is gone').toEqual([]);
  });

  it('answers 401 without a token, or with a made-up one, on every route that is not public', async () => {
    for (const route of activeRoutes(app).filter((r) => !r.public)) {
      const spec = route.request({ f, user: 'admin' });
      const attempts: Record<string, string>[] = [
        {},
        { authorization: `Bearer ${'A'.repeat(43)}` },
        { authorization: 'Basic YWRtaW46eA==' },
      ];
      for (const headers of attempts) {
        const res = await send(route, spec, headers);
        expect(res.statusCode, `${routeKey(route)} with ${JSON.stringify(headers)}`).toBe(401);
        expect(res.json()).toMatchObject({ error: 'unauthorized' });
      }
    }
  });

  it('answers public routes without a token', async () => {
    for (const route of activeRoutes(app).filter((r) => r.public)) {
      const res = await send(route, route.request({ f, user: 'teacherA' }));
      expect(outcomeOf(route, res), `${routeKey(route)}: ${res.body}`).toBe('allow');
    }
  });

  it('gives each role and scope exactly what the catalogue says, on every route', async () => {
    const failures: string[] = [];
    for (const route of activeRoutes(app)) {
      for (const user of FIXTURE_USERS) {
        const ctx = { f, user };
        const res = await send(route, route.request(ctx), await headersFor(user, route));
        const got = outcomeOf(route, res);
        if (got !== route.expect[user]) {
          const answer = `${res.statusCode} ${res.body.slice(0, 200)}`;
          failures.push(`${routeKey(route)} as ${user}: expected ${route.expect[user]}, got ${got} (${answer})`);
        } else if (got === 'allow') {
          route.check?.(res, ctx);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses out-of-scope targets with the same answer as targets that do not exist', async () => {
    for (const route of activeRoutes(app).filter((r) => r.scopeProbe)) {
      const probe = route.scopeProbe!;
      const headers = await headersFor(probe.user, route);
      const outside = await send(route, probe.outOfScope(f), headers);
      const missing = await send(route, probe.nonexistent(f), headers);
      expect(outcomeOf(route, outside), `${routeKey(route)} out of scope`).toBe('deny');
      expect(normaliseAnswer(outside), routeKey(route)).toEqual(normaliseAnswer(missing));
    }
  });

  it('lets no revoked token back in', async () => {
    const headers = await signIn(app, 'principala');
    expect((await app.inject({ method: 'POST', url: '/api/auth/logout', headers })).statusCode).toBe(204);
    for (const route of activeRoutes(app).filter((r) => !r.public)) {
      const res = await send(route, route.request({ f, user: 'principalA' }), headers);
      expect(res.statusCode, routeKey(route)).toBe(401);
    }
  });
});
