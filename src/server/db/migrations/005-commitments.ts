import type { Kysely } from 'kysely';

/**
 * Closing a session and the commitments flow:
 * - `sessions.completed_at` / `completed_by`: when the session was marked done (the device's time of the change)
 *   and by which user, for the minutes (biên bản). Null for sessions not closed through the app.
 * - an index of attendance history by school and session, read by the principal's disagreements view.
 * The one-signature-per (school year, person, kind) rule is the unique constraint `commitments_once` of 001.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

export async function up(db: Db): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('completed_at', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('completed_by', 'text').execute();
  await db.schema
    .createIndex('attendance_history_school_session')
    .on('attendance_history')
    .columns(['school_id', 'session_id'])
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropIndex('attendance_history_school_session').execute();
  await db.schema.alterTable('sessions').dropColumn('completed_by').execute();
  await db.schema.alterTable('sessions').dropColumn('completed_at').execute();
}
