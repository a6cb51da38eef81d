import { Migrator, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/server/db';
import type { Database } from '../../../src/server/db/schema';
import * as m001 from '../../../src/server/db/migrations/001-initial';
import * as m002 from '../../../src/server/db/migrations/002-sync-clients';
import * as m003 from '../../../src/server/db/migrations/003-plan';

// A database of the previous release, holding sessions already assigned to a trainer. SQLite only: the migration
// itself runs on PostgreSQL in every other server suite.
describe('migration 003-plan', () => {
  it('puts the sessions already assigned to trainers into each trainer\'s stream, and goes back down', async () => {
    const db = openDatabase({ dataDir: ':memory:' });
    const migrations = { '001-initial': m001, '002-sync-clients': m002, '003-plan': m003 };
    const migrator = new Migrator({ db: db.kysely, provider: { getMigrations: () => Promise.resolve(migrations) } });
    expect((await migrator.migrateTo('002-sync-clients')).error).toBeUndefined();
    // The columns 003 adds do not exist yet: write through an untyped handle.
    const k = db.kysely as unknown as Kysely<Record<string, Record<string, unknown>>>;
    const now = new Date().toISOString();
    await k.insertInto('units').values({ id: 'u1', kind: 'school', name: 'S', code: null, parent_id: null, cluster_id: null, school_level: 'th', status: 'active', created_at: now, updated_at: now, stream: 'u1', version: 1 }).execute();
    await k.insertInto('school_years').values({ id: 'y1', department_id: 'u1', label: '2025-2026', start_date: '2025-09-01', end_date: '2026-05-31', stream: 'u1', version: 2 }).execute();
    await k.insertInto('activity_types').values({ id: 't1', owner_unit_id: 'u1', code: 'other', name: 'x', name_en: 'x', scenarios: '[]', audiences: '[]', indicators: '[]', carries_commitment: 0, carries_periods: 0, stream: 'u1', version: 3 }).execute();
    await k.insertInto('users').values({ id: 'tr', username: 'tr', display_name: 'tr', password_hash: 'x', person_id: null, active: 1, must_change_password: 0, created_at: now, updated_at: now }).execute();
    for (const [i, id] of ['s1', 's2', 's3'].entries()) {
      await k.insertInto('sessions').values({
        id, school_id: 'u1', scope_unit_id: 'u1', school_year_id: 'y1', activity_type_id: 't1', scenario_code: null, title: 't',
        starts_at: `2025-10-0${3 - i}T00:00:00.000Z`, ends_at: '2025-10-05T00:00:00.000Z', place: null, audience: '{}',
        facilitator_person_id: null, trainer_user_id: id === 's2' ? null : 'tr', material_ids: '[]', periods: null,
        status: 'planned', revision: 0, created_by: 'tr', created_at: now, updated_at: now, stream: 'u1', version: 4 + i,
      }).execute();
    }

    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    const typed = db.kysely as Kysely<Database>;
    const feed = await typed.selectFrom('trainer_session_feed').selectAll().orderBy('version').execute();
    // In start order: s3 starts first.
    expect(feed).toEqual([
      { stream: 'assigned:tr', session_id: 's3', version: 1, assigned: 1 },
      { stream: 'assigned:tr', session_id: 's1', version: 2, assigned: 1 },
    ]);
    expect(await typed.selectFrom('stream_versions').selectAll().where('stream', '=', 'assigned:tr').execute()).toEqual([
      { stream: 'assigned:tr', version: 2 },
    ]);
    expect(await typed.selectFrom('sessions').select(['series_id', 'cancel_reason']).where('id', '=', 's1').executeTakeFirst()).toEqual({
      series_id: null,
      cancel_reason: null,
    });

    expect((await migrator.migrateDown()).error).toBeUndefined();
    const tables = (await db.kysely.introspection.getTables()).map((t) => t.name);
    expect(tables).not.toContain('calendar_feeds');
    expect(tables).not.toContain('trainer_session_feed');
    await db.close();
  });
});
