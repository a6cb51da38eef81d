import type { Kysely } from 'kysely';

/**
 * Roster imports (issue #8): an uploaded file is checked into a preview that waits here for the user's
 * confirmation, then applied. Rows hold only what the app keeps (code, name, class, birth year, sex, status, role
 * tags, problems): the parser never reads parent, address, ethnicity, disability or national id columns. Previews
 * older than a day are deleted.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('import_batches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('school_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('school_year_id', 'text', (c) => c.notNull().references('school_years.id'))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('applied_at', 'text')
    .addColumn('applied_by', 'text')
    .addColumn('sheet', 'text')
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('rows', 'text', (c) => c.notNull())
    .addColumn('result', 'text')
    .execute();
  await db.schema.createIndex('import_batches_school').on('import_batches').columns(['school_id', 'created_at']).execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('import_batches').execute();
}
