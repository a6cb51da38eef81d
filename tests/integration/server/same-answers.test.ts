import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openPostgres, PG_URL, type TestDb } from '../../helpers/db';
import { migrateToLatest, openDatabase } from '../../../src/server/db';
import { loadDemoData } from '../../../src/server/demo/seed';
import { buildTestApp } from '../../helpers/app';

/**
 * The same demo loaded into SQLite and PostgreSQL must answer the same through the same code: the same rows in
 * every table and the same pull for the same user. Ids are random per load, so rows are compared by their
 * content with ids replaced by the row they point to (a stable name), not by the raw id.
 */
const NOW = new Date('2026-11-30T03:00:00.000Z');
const USERS = ['gv.dichvong', 'ht.nguyentrai', 'phuong.caugiay', 'so.canbo', 'taphuan'];

async function pullAll(app: FastifyInstance, username: string): Promise<{ entity: string; row: Record<string, unknown> }[]> {
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'truongan2025' } });
  const headers = { authorization: `Bearer ${(login.json() as { token: string }).token}` };
  const out: { entity: string; row: Record<string, unknown> }[] = [];
  let cursor = '';
  for (;;) {
    const res = await app.inject({ url: `/api/sync/pull?limit=700${cursor ? `&cursor=${cursor}` : ''}`, headers });
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json() as { changes: { entity: string; row: Record<string, unknown> }[]; cursor: string; hasMore: boolean };
    out.push(...page.changes);
    cursor = page.cursor;
    if (!page.hasMore) break;
  }
  return out;
}

/** Replaces every id-like value by a stable label, so that two loads with different random ids compare equal. */
function normalise(changes: { entity: string; row: Record<string, unknown> }[]): string[] {
  const label = new Map<string, string>();
  for (const { entity, row } of changes) {
    const name = (row.fullName ?? row.name ?? row.title ?? row.label ?? row.code) as string | undefined;
    if (typeof row.id === 'string' && name) label.set(row.id, `${entity}:${name}`);
  }
  const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  const swap = (v: unknown): unknown => {
    if (typeof v === 'string' && ID.test(v)) return label.get(v) ?? '<id>';
    if (Array.isArray(v)) return v.map(swap).sort();
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)]));
    return v;
  };
  return changes.map(({ entity, row }) => `${entity} ${JSON.stringify(swap(row))}`).sort();
}

describe.skipIf(!PG_URL)('SQLite and PostgreSQL answer the same', () => {
  let sqlite: TestDb;
  let postgres: TestDb;
  let appS: FastifyInstance;
  let appP: FastifyInstance;

  beforeAll(async () => {
    const s = openDatabase({ dataDir: ':memory:' });
    await migrateToLatest(s);
    sqlite = { ...s, drop: () => s.close() };
    postgres = await openPostgres();
    await loadDemoData(sqlite.kysely, { now: NOW });
    await loadDemoData(postgres.kysely, { now: NOW });
    appS = await buildTestApp(sqlite);
    appP = await buildTestApp(postgres);
  });
  afterAll(async () => {
    await appS?.close();
    await appP?.close();
    await sqlite?.drop();
    await postgres?.drop();
  });

  it.each(USERS)('the pull of %s', async (username) => {
    const [a, b] = await Promise.all([pullAll(appS, username), pullAll(appP, username)]);
    expect(a.length).toBeGreaterThan(0);
    expect(normalise(b)).toEqual(normalise(a));
  });
});
