import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { testDbKinds, type TestDb } from '../../helpers/db';
import { migrateToLatest } from '../../../src/server/db';
import { reserveVersions } from '../../../src/server/db/versions';

describe.each(testDbKinds())('migrations on $kind', ({ open }) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('creates every table of the model and is idempotent', async () => {
    expect(await migrateToLatest(db)).toEqual([]);
    for (const table of ['units', 'sessions', 'attendance', 'attendance_history', 'applied_mutations', 'stream_versions', 'audit_log']) {
      const r = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db.kysely);
      expect(Number(r.rows[0]!.n)).toBe(0);
    }
  });

  it('reserves consecutive versions per stream', async () => {
    const first = await db.kysely.transaction().execute((trx) => reserveVersions(trx, 'stream-a', 3));
    const next = await db.kysely.transaction().execute((trx) => reserveVersions(trx, 'stream-a', 1));
    const other = await db.kysely.transaction().execute((trx) => reserveVersions(trx, 'stream-b', 2));
    expect([first, next, other]).toEqual([1, 4, 1]);
  });
});
