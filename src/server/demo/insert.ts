import type { InsertObject, Transaction } from 'kysely';
import type { Database } from '../db/schema';
import { reserveVersions } from '../db/versions';
import { DEMO_TABLES, SYNCED_DEMO_TABLES, type DemoRows, type DemoTable } from './rows';

/**
 * Rows per INSERT. PostgreSQL allows 65,535 bind parameters per statement and SQLite 32,766; the widest demo
 * table has 20 columns, so 500 rows stay well below both while keeping the statement count small.
 */
const CHUNK = 500;

/**
 * Gives every synced row a distinct version in its stream: one reservation per stream for all its rows, numbered
 * in insertion order, so that a row never has a lower version than a row it refers to in the same stream.
 */
export async function assignVersions(trx: Transaction<Database>, rows: DemoRows): Promise<void> {
  const counts = new Map<string, number>();
  for (const table of SYNCED_DEMO_TABLES) {
    for (const row of rows[table]) counts.set(row.stream, (counts.get(row.stream) ?? 0) + 1);
  }
  const next = new Map<string, number>();
  for (const [stream, count] of counts) next.set(stream, await reserveVersions(trx, stream, count));
  for (const table of SYNCED_DEMO_TABLES) {
    for (const row of rows[table]) {
      const version = next.get(row.stream);
      if (version === undefined) throw new Error(`no versions reserved for stream ${row.stream}`);
      row.version = version;
      next.set(row.stream, version + 1);
    }
  }
}

export async function insertRows(trx: Transaction<Database>, rows: DemoRows): Promise<void> {
  for (const table of DEMO_TABLES) await insertChunked(trx, table, rows[table]);
}

async function insertChunked<T extends DemoTable>(trx: Transaction<Database>, table: T, rows: Database[T][]) {
  for (let i = 0; i < rows.length; i += CHUNK) {
    // Kysely cannot resolve its insert shape for a table that is still a type parameter; DemoRows already types each
    // table's rows as that table's columns.
    const chunk = rows.slice(i, i + CHUNK) as InsertObject<Database, T>[];
    await trx.insertInto(table).values(chunk).execute();
  }
}
