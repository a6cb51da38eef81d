import type { Kysely } from 'kysely';

/**
 * Term and year-end reports (sơ kết, tổng kết) of a school or a unit, sent up the tree: draft → submitted →
 * acknowledged, with who and when. `figures` is a JSON snapshot of the numbers (frozen at submission);
 * `notable_results` is the free text for commendation. Not synced to devices: reports are written and read online.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('school_year_id', 'text', (c) => c.notNull().references('school_years.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('notable_results', 'text', (c) => c.notNull())
    .addColumn('figures', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('submitted_by', 'text', (c) => c.references('users.id'))
    .addColumn('submitted_at', 'text')
    .addColumn('acknowledged_by', 'text', (c) => c.references('users.id'))
    .addColumn('acknowledged_at', 'text')
    .execute();
  await db.schema.createIndex('reports_unit_year').on('reports').columns(['unit_id', 'school_year_id']).execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('reports').execute();
}
