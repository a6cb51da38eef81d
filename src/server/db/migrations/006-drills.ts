import type { Kysely } from 'kysely';

/**
 * Drill mode: each class's headcount at the assembly point (one row per session and class, the latest report wins,
 * pulled by the school's devices in the school's stream) and every report ever received, so that a class reported
 * from two tablets, or a missing pupil found later, can be retraced.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('drill_headcounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('school_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
    .addColumn('class_id', 'text', (c) => c.notNull().references('classes.id'))
    .addColumn('present_count', 'integer', (c) => c.notNull())
    .addColumn('missing_count', 'integer', (c) => c.notNull())
    .addColumn('absent_count', 'integer', (c) => c.notNull())
    .addColumn('missing_person_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('reported_by', 'text', (c) => c.notNull())
    .addColumn('reported_at', 'text', (c) => c.notNull())
    .addColumn('stream', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addUniqueConstraint('drill_headcounts_class', ['school_id', 'session_id', 'class_id'])
    .execute();
  await db.schema
    .createIndex('drill_headcounts_stream_version')
    .on('drill_headcounts')
    .columns(['stream', 'version'])
    .unique()
    .execute();

  await db.schema
    .createTable('drill_headcount_history')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('school_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('class_id', 'text', (c) => c.notNull())
    .addColumn('present_count', 'integer', (c) => c.notNull())
    .addColumn('missing_count', 'integer', (c) => c.notNull())
    .addColumn('absent_count', 'integer', (c) => c.notNull())
    .addColumn('missing_person_ids', 'text', (c) => c.notNull())
    .addColumn('reported_by', 'text', (c) => c.notNull())
    .addColumn('reported_at', 'text', (c) => c.notNull())
    .addColumn('mutation_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('drill_headcount_history_session')
    .on('drill_headcount_history')
    .columns(['session_id', 'class_id'])
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('drill_headcount_history').execute();
  await db.schema.dropTable('drill_headcounts').execute();
}
