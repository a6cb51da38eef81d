import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { createRequire } from 'node:module';
import type pg from 'pg';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from './schema';
import * as m001 from './migrations/001-initial';
import * as m002 from './migrations/002-sync-clients';
import * as m003 from './migrations/003-plan';
import * as m004 from './migrations/004-person-dates';
import * as m005 from './migrations/005-commitments';
import * as m006 from './migrations/006-drills';
import * as m007 from './migrations/007-files';
import * as m008 from './migrations/008-materials';
import * as m012 from './migrations/012-org';
import * as m010 from './migrations/010-reports';
import * as m009 from './migrations/009-coverage';
import * as m011 from './migrations/011-imports';

export type DbKind = 'sqlite' | 'postgres';

export interface Db {
  kysely: Kysely<Database>;
  kind: DbKind;
  /** Path of the SQLite file, for the online backup; null on PostgreSQL or in memory. */
  sqliteFile: string | null;
  close(): Promise<void>;
}

export interface DbOptions {
  /** postgres://… selects PostgreSQL; unset selects SQLite. */
  databaseUrl?: string | undefined;
  /** Where the SQLite file lives; ':memory:' for a throwaway database. */
  dataDir?: string;
  /** PostgreSQL schema to work in (tests give each run its own). */
  pgSchema?: string;
}

let pgModule: typeof pg | null = null;

/**
 * The PostgreSQL driver, loaded only when a PostgreSQL URL is given: an embedded (SQLite) server need not hold it.
 * Integers that PostgreSQL returns as text (int8, numeric from COUNT/SUM) become numbers, so that both databases
 * answer the same values; every count here fits easily in a double.
 */
function loadPg(): typeof pg {
  if (!pgModule) {
    pgModule = createRequire(import.meta.url)('pg') as typeof pg;
    pgModule.types.setTypeParser(20, (v) => Number(v));
    pgModule.types.setTypeParser(1700, (v) => Number(v));
  }
  return pgModule;
}

export function openDatabase(options: DbOptions): Db {
  const url = options.databaseUrl;
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const pool = new (loadPg().Pool)({
      connectionString: url,
      max: 10,
      ...(options.pgSchema ? { options: `-c search_path=${options.pgSchema}` } : {}),
    });
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { kysely, kind: 'postgres', sqliteFile: null, close: () => kysely.destroy() };
  }
  if (url) throw new Error('DATABASE_URL must start with postgres:// (leave it unset for the embedded SQLite database)');

  const dataDir = options.dataDir ?? './data';
  const file = dataDir === ':memory:' ? ':memory:' : path.join(dataDir, 'truong-an.sqlite');
  if (file !== ':memory:') fs.mkdirSync(dataDir, { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  // NORMAL is durable across application crashes in WAL mode (only an OS crash can lose the last commits).
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { kysely, kind: 'sqlite', sqliteFile: file === ':memory:' ? null : file, close: () => kysely.destroy() };
}

const MIGRATIONS: Record<string, Migration> = {
  '001-initial': m001,
  '002-sync-clients': m002,
  '003-plan': m003,
  '004-person-dates': m004,
  '005-commitments': m005,
  '006-drills': m006,
  '007-files': m007,
  '008-materials': m008,
  '012-org': m012,
  '010-reports': m010,
  '009-coverage': m009,
  '011-imports': m011,
};

class StaticMigrations implements MigrationProvider {
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve(MIGRATIONS);
  }
}

/** Runs every pending migration; throws with the failing migration's error. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  // Kysely looks for its migration tables in every schema it can see: another schema's (another app's, another test
  // run's) would be taken for ours. Pin them to the schema this connection works in.
  const schema =
    db.kind === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db.kysely)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db: db.kysely,
    provider: new StaticMigrations(),
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
