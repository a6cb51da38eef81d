import type { Kysely } from 'kysely';

/**
 * Organisation management and personal data (issue #8):
 * - `consents`: a student's photo / signature consent, the child's (aged 7+) and a parent's answer. Rows are
 *   facts, never edited: a withdrawal is a newer row. Synced in the school's stream so that the signature and
 *   photo flows can check consent offline.
 * - `users.school_id`: the school an account was created for in bulk, so that a principal manages exactly the
 *   accounts of their own school (a role grant alone does not say whose account it is once it is withdrawn).
 * - indexes by person on the tables that erasure (and export) read.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('consents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
    .addColumn('school_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('child_consent', 'integer')
    .addColumn('parent_consent', 'integer', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('stream', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('consents_person').on('consents').columns(['person_id', 'kind']).execute();
  await db.schema.createIndex('consents_stream_version').on('consents').columns(['stream', 'version']).unique().execute();

  await db.schema.alterTable('users').addColumn('school_id', 'text').execute();

  // Erasing a person finds every row about them by its person column, not by a scan of the city's records.
  await db.schema.createIndex('attendance_history_person').on('attendance_history').column('person_id').execute();
  await db.schema.createIndex('commitments_person').on('commitments').column('person_id').execute();
  await db.schema.createIndex('commitments_signer').on('commitments').column('signer_person_id').execute();
  // A commune-wide session may be led by a school's staff member: found by the person, whatever the session's school.
  await db.schema.createIndex('sessions_facilitator').on('sessions').column('facilitator_person_id').execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropIndex('sessions_facilitator').execute();
  await db.schema.dropIndex('commitments_signer').execute();
  await db.schema.dropIndex('commitments_person').execute();
  await db.schema.dropIndex('attendance_history_person').execute();
  await db.schema.alterTable('users').dropColumn('school_id').execute();
  await db.schema.dropTable('consents').execute();
}
