import type { Kysely } from 'kysely';

/**
 * The school year's plan:
 * - sessions.series_id groups the sessions made from one recurrence; sessions.cancel_reason keeps why a session
 *   was cancelled (stored for the record; not yet part of the synced row).
 * - trainer_session_feed: the sessions assigned to each trainer, as a version stream of its own
 *   (`assigned:<userId>`), so a trainer's devices pull those sessions across schools without the schools' other
 *   rows, with a cursor that never skips; `assigned = 0` tells the trainer's devices to drop a session that was
 *   handed to someone else.
 * - calendar_feeds: per-user secret iCalendar feed tokens, stored hashed; a new one revokes the old.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

export async function up(db: Db): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('series_id', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('cancel_reason', 'text').execute();
  await db.schema.createIndex('sessions_series').on('sessions').column('series_id').execute();

  await db.schema
    .createTable('trainer_session_feed')
    .addColumn('stream', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('assigned', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('trainer_session_feed_pk', ['stream', 'session_id'])
    .execute();
  await db.schema
    .createIndex('trainer_session_feed_stream_version')
    .on('trainer_session_feed')
    .columns(['stream', 'version'])
    .unique()
    .execute();

  // Sessions assigned before this migration enter their trainer's stream, in start order.
  const assigned = await db
    .selectFrom('sessions')
    .select(['id', 'trainer_user_id'])
    .where('trainer_user_id', 'is not', null)
    .orderBy('trainer_user_id')
    .orderBy('starts_at')
    .orderBy('id')
    .execute();
  const byStream = new Map<string, string[]>();
  for (const s of assigned as { id: string; trainer_user_id: string }[]) {
    const stream = `assigned:${s.trainer_user_id}`;
    const list = byStream.get(stream) ?? [];
    list.push(s.id);
    byStream.set(stream, list);
  }
  for (const [stream, ids] of byStream) {
    await db.insertInto('stream_versions').values({ stream, version: ids.length }).execute();
    for (let i = 0; i < ids.length; i += 500) {
      await db
        .insertInto('trainer_session_feed')
        .values(ids.slice(i, i + 500).map((id, j) => ({ stream, session_id: id, version: i + j + 1, assigned: 1 })))
        .execute();
    }
  }

  await db.schema
    .createTable('calendar_feeds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('calendar_feeds_user').on('calendar_feeds').column('user_id').execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('calendar_feeds').execute();
  await db.schema.dropTable('trainer_session_feed').execute();
  await db.schema.dropIndex('sessions_series').execute();
  await db.schema.alterTable('sessions').dropColumn('cancel_reason').execute();
  await db.schema.alterTable('sessions').dropColumn('series_id').execute();
}
