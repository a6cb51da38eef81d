import type { Kysely } from 'kysely';

/**
 * Indexes for the coverage queries (src/server/coverage/queries.ts), which answer a whole city's dashboard from
 * attendance ⨝ sessions ⨝ persons grouped by school:
 * - attendance by session then school, covering person and status: the counts go from the few counting sessions
 *   to their marks and read only the index;
 * - sessions by school year and activity type with the start instant, for the set of counting sessions;
 * - commitments by school and year, covering person and kind;
 * - persons by school and kind, covering the columns of "belonged during the period" (join/leave dates, status).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

export async function up(db: Db): Promise<void> {
  await db.schema
    .createIndex('attendance_coverage')
    .on('attendance')
    .columns(['session_id', 'school_id', 'person_id', 'status'])
    .execute();
  await db.schema
    .createIndex('sessions_coverage')
    .on('sessions')
    .columns(['school_year_id', 'activity_type_id', 'status', 'starts_at'])
    .execute();
  await db.schema
    .createIndex('commitments_coverage')
    .on('commitments')
    .columns(['school_id', 'school_year_id', 'person_id', 'kind', 'signed_at'])
    .execute();
  await db.schema
    .createIndex('persons_coverage')
    .on('persons')
    .columns(['school_id', 'kind', 'status', 'joined_on', 'left_on'])
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropIndex('persons_coverage').execute();
  await db.schema.dropIndex('commitments_coverage').execute();
  await db.schema.dropIndex('sessions_coverage').execute();
  await db.schema.dropIndex('attendance_coverage').execute();
}
