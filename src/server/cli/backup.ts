/**
 * `npm run backup [destination]`: a consistent copy of the SQLite database, taken while the server keeps running.
 * Writes DATA_DIR/backups/truong-an-<timestamp>.sqlite (or the destination given) and prints its path.
 * On PostgreSQL (DATABASE_URL set) it prints the pg_dump command to use instead and exits 1.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { loadConfig } from '../config';

/** `2026-01-15T08-30-05-123Z`: sortable, and valid in file names on every system. */
export function backupTimestamp(at = new Date()): string {
  return at.toISOString().replace(/[:.]/g, '-');
}

export function defaultBackupPath(dataDir: string, at = new Date()): string {
  return path.join(dataDir, 'backups', `truong-an-${backupTimestamp(at)}.sqlite`);
}

/**
 * Copies `sourceFile` to `destination` with SQLite's online backup API. All pages are copied in one step, inside
 * one read transaction: in WAL mode that neither blocks the server's writers nor lets their commits restart the
 * copy, and the result is the database as of one instant. The copy is written next to its destination and renamed
 * only once complete, so a file with the final name is always a whole backup.
 */
export async function backupSqlite(sourceFile: string, destination: string): Promise<{ path: string; pages: number }> {
  if (!fs.existsSync(sourceFile)) throw new Error(`Không thấy cơ sở dữ liệu ${sourceFile} (database file not found)`);
  const target = path.resolve(destination);
  if (fs.existsSync(target)) throw new Error(`Tệp ${target} đã có, không ghi đè (the destination already exists)`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const partial = `${target}.partial`;
  fs.rmSync(partial, { force: true });
  // Not read-only: a read-only connection cannot open a WAL database whose -shm file is missing (server stopped).
  const source = new SQLite(sourceFile, { fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    const result = await source.backup(partial, { progress: () => 0x7fffffff });
    // The copy keeps the source's WAL mode; a backup file is read alone, so it is switched back to a single file.
    const copy = new SQLite(partial);
    try {
      copy.pragma('journal_mode = DELETE');
      const check = copy.pragma('integrity_check', { simple: true });
      if (check !== 'ok') throw new Error(`Bản sao lỗi: ${String(check)} (integrity check failed)`);
    } finally {
      copy.close();
    }
    fs.renameSync(partial, target);
    return { path: target, pages: result.totalPages };
  } catch (err) {
    fs.rmSync(partial, { force: true });
    throw err;
  } finally {
    source.close();
  }
}

/** What to run on PostgreSQL; the URL is read from the environment so that its password is never printed. */
export function pgDumpAdvice(at = new Date()): string {
  return [
    'Cơ sở dữ liệu là PostgreSQL: hãy sao lưu bằng pg_dump (the database is PostgreSQL: back it up with pg_dump):',
    `  pg_dump --format=custom --no-owner --file=truong-an-${backupTimestamp(at)}.dump "$DATABASE_URL"`,
    'Khôi phục (restore): pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" <tệp .dump>',
  ].join('\n');
}

async function main(): Promise<number> {
  const config = loadConfig();
  if (config.databaseUrl) {
    console.error(pgDumpAdvice());
    return 1;
  }
  const source = path.join(config.dataDir, 'truong-an.sqlite');
  const destination = process.argv[2] ?? defaultBackupPath(config.dataDir);
  try {
    const done = await backupSqlite(source, destination);
    console.log(done.path);
    return 0;
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main();
}
