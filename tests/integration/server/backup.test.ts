import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase, type Db } from '../../../src/server/db';
import { newId } from '../../../src/shared/domain/ids';
import { createFixture } from '../../helpers/fixtures';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);
const BATCH = 10;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function backupCli(env: Record<string, string>, args: string[] = []): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(path.join(ROOT, 'node_modules/.bin/tsx'), ['src/server/cli/backup.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/**
 * Writes audit rows in transactions of BATCH rows until stopped, as a server under load would. A consistent copy
 * holds each batch whole or not at all.
 */
function startWriter(db: Db) {
  let stopped = false;
  let batches = 0;
  const done = (async () => {
    while (!stopped) {
      const batch = batches;
      await db.kysely.transaction().execute(async (trx) => {
        for (let i = 0; i < BATCH; i++) {
          await trx
            .insertInto('audit_log')
            .values({
              id: newId(),
              at: new Date().toISOString(),
              user_id: null,
              action: 'test.write',
              entity: null,
              entity_id: null,
              school_id: null,
              details: String(batch),
            })
            .execute();
        }
      });
      batches++;
      await new Promise((r) => setTimeout(r, 1));
    }
  })();
  return {
    get batches() {
      return batches;
    },
    async stop() {
      stopped = true;
      await done;
      return batches;
    },
  };
}

const FIXTURE_TABLES = ['units', 'users', 'persons', 'sessions', 'materials'] as const;

async function sourceCount(db: Db, table: (typeof FIXTURE_TABLES)[number]): Promise<number> {
  const row = await db.kysely
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const n = Number(row.n);
  expect(n, `${table} in the fixture`).toBeGreaterThan(0);
  return n;
}

// The online backup is SQLite's; on PostgreSQL the CLI only points to pg_dump (last test).
describe('npm run backup', () => {
  let dataDir: string;
  let db: Db;

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'truong-an-backup-'));
    db = openDatabase({ dataDir });
    await migrateToLatest(db);
    await createFixture(db.kysely);
  });
  afterEach(async () => {
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes a consistent copy into DATA_DIR/backups while a writer keeps writing', async () => {
    const writer = startWriter(db);
    while (writer.batches < 20) await new Promise((r) => setTimeout(r, 5));
    const before = writer.batches;
    const result = await backupCli({ DATA_DIR: dataDir });
    // Writes went on during the backup, so the copy was taken from a database in use.
    const during = writer.batches;
    const total = await writer.stop();
    expect(result.code, result.stderr).toBe(0);
    expect(during).toBeGreaterThan(before);

    const printed = result.stdout.trim();
    expect(path.dirname(printed)).toBe(path.resolve(dataDir, 'backups'));
    expect(path.basename(printed)).toMatch(/^truong-an-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z\.sqlite$/);
    expect(fs.readdirSync(path.join(dataDir, 'backups'))).toEqual([path.basename(printed)]);

    const copy = new SQLite(printed, { readonly: true, fileMustExist: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
      const count = (table: string) => (copy.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
      // The writer touches only the audit log: every other table holds exactly what the fixture put in.
      for (const table of FIXTURE_TABLES) expect(count(table), table).toBe(await sourceCount(db, table));
      const perBatch = copy
        .prepare(`select details, count(*) as n from audit_log where action = 'test.write' group by details`)
        .all() as { details: string; n: number }[];
      expect(perBatch.length).toBeGreaterThanOrEqual(before);
      expect(perBatch.length).toBeLessThanOrEqual(total);
      expect(perBatch.filter((b) => b.n !== BATCH)).toEqual([]);
      // Batches are consecutive from the first: the copy is the database as of one instant.
      expect(perBatch.map((b) => Number(b.details)).sort((a, b) => a - b)).toEqual([...Array(perBatch.length).keys()]);
    } finally {
      copy.close();
    }
    // The live database is untouched and still writable.
    const live = await db.kysely.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(live.n)).toBe(total * BATCH);
  });

  it('writes to the path given as argument, and never over an existing file', async () => {
    const target = path.join(dataDir, 'elsewhere', 'nightly.sqlite');
    const first = await backupCli({ DATA_DIR: dataDir }, [target]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trim()).toBe(target);
    const copy = new SQLite(target, { readonly: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect((copy.prepare('select count(*) as n from users').get() as { n: number }).n).toBe(await sourceCount(db, 'users'));
    } finally {
      copy.close();
    }
    const again = await backupCli({ DATA_DIR: dataDir }, [target]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
    expect(fs.readdirSync(path.dirname(target))).toEqual(['nightly.sqlite']);
  });

  it('fails with a plain message when there is no database', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'truong-an-backup-empty-'));
    try {
      const result = await backupCli({ DATA_DIR: empty });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('database file not found');
      expect(result.stderr).not.toMatch(/\bat .+\(/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('points to pg_dump on PostgreSQL, without printing the password, and exits 1', async () => {
    const result = await backupCli({ DATA_DIR: dataDir, DATABASE_URL: 'postgres://truongan:s3cret-pw@db.example:5432/truongan' });
    expect(result.code).toBe(1);
    const out = result.stdout + result.stderr;
    expect(out).toContain('pg_dump --format=custom');
    expect(out).toContain('"$DATABASE_URL"');
    expect(out).not.toContain('s3cret-pw');
    expect(fs.existsSync(path.join(dataDir, 'backups'))).toBe(false);
  });
});
