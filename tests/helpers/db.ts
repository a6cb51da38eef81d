import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { migrateToLatest, openDatabase, type Db, type DbKind } from '../../src/server/db';

/**
 * The databases a server test runs on: SQLite always (unless TEST_DB_ONLY=postgres), PostgreSQL when
 * TEST_DATABASE_URL is set. Each opened database is fresh (a new in-memory SQLite, or a new PostgreSQL schema
 * dropped by `drop()`), and migrated.
 */
export interface TestDbKind {
  kind: DbKind;
  open(): Promise<TestDb>;
}

export interface TestDb extends Db {
  /** Closes and, on PostgreSQL, drops the schema. */
  drop(): Promise<void>;
}

export const PG_URL = process.env.TEST_DATABASE_URL;

export function testDbKinds(): TestDbKind[] {
  const kinds: TestDbKind[] = [];
  if (process.env.TEST_DB_ONLY !== 'postgres') kinds.push({ kind: 'sqlite', open: openSqlite });
  if (PG_URL) kinds.push({ kind: 'postgres', open: openPostgres });
  return kinds;
}

export async function openSqlite(): Promise<TestDb> {
  const db = openDatabase({ dataDir: ':memory:' });
  await migrateToLatest(db);
  return { ...db, drop: () => db.close() };
}

/**
 * A fresh schema per database opened (on TEST_DATABASE_URL, or the URL given: benchmarks pass their own); the name is
 * random so that parallel runs never meet.
 */
export async function openPostgres(url: string | undefined = PG_URL): Promise<TestDb> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE SCHEMA ${schema}`, url);
  const db = openDatabase({ databaseUrl: url, pgSchema: schema });
  await migrateToLatest(db);
  return {
    ...db,
    drop: async () => {
      await db.close();
      await adminQuery(`DROP SCHEMA ${schema} CASCADE`, url);
    },
  };
}

async function adminQuery(text: string, url: string | undefined): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
