import type { Kysely } from 'kysely';

/**
 * Indexes for the coverage queries (src/server/coverage/queries.ts), which answer a whole city's dashboard from
 * attendance ⨝ sessions ⨝ persons grouped by school:
 * - attendance by session then school, covering person and status: the counts go from the few counting sessions
 *   to their marks and read only the index;
 * - sessions by school year and activity type with the start instant, for the set of counting sessions;
 * - commitments by school and year, covering person and kind;
 * - persons by school and kind, covering the columns of "belonged during the period" (join/leave dates, status).
 *
 * And `coverage_counts`, the person-based counts per (school, period) persisted with the stream versions they were
 * counted at (CoverageService.cachedCounts): a restarted server, or a second instance behind the same database, reads
 * them instead of recounting a whole city's attendance. A cache only, with no foreign keys (nothing ever has to be
 * deleted before it) and no names or person ids in it: an entry whose versions moved is recounted and overwritten.
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
  await db.schema
    .createTable('coverage_counts')
    .addColumn('school_id', 'text', (c) => c.notNull())
    .addColumn('school_year_id', 'text', (c) => c.notNull())
    .addColumn('period_from', 'text', (c) => c.notNull())
    .addColumn('period_to', 'text', (c) => c.notNull())
    .addColumn('versions', 'text', (c) => c.notNull())
    .addColumn('counts', 'text', (c) => c.notNull())
    .addColumn('counted_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('coverage_counts_pk', ['school_id', 'school_year_id', 'period_from', 'period_to'])
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('coverage_counts').execute();
  await db.schema.dropIndex('persons_coverage').execute();
  await db.schema.dropIndex('commitments_coverage').execute();
  await db.schema.dropIndex('sessions_coverage').execute();
  await db.schema.dropIndex('attendance_coverage').execute();
}
