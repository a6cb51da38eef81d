import type { Kysely } from 'kysely';

/**
 * The file store's bookkeeping. The bytes live in the file store (DATA_DIR/files), content-addressed; these tables
 * make deduplication, quotas and "who may read this file" queries.
 * - `uploads`: an upload under way (one per POST /api/files/uploads). `received` is informational: after a crash the
 *   temporary file's real size is the truth.
 * - `stored_files`: one row per complete file, written only after the bytes are verified and renamed into place,
 *   so a file is never visible half written.
 * - `file_uploaders`: who has uploaded (or proved they hold, by its hash) which file and for what purpose; quotas
 *   sum the sizes of a user's distinct files.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('uploads')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('received', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('mime_claimed', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('uploads_user').on('uploads').columns(['user_id', 'sha256']).execute();
  await db.schema.createIndex('uploads_expires').on('uploads').column('expires_at').execute();

  await db.schema
    .createTable('stored_files')
    .addColumn('sha256', 'text', (c) => c.primaryKey())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('first_uploaded_by', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('file_uploaders')
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('file_uploaders_pk', ['sha256', 'user_id', 'purpose'])
    .execute();
  await db.schema.createIndex('file_uploaders_user').on('file_uploaders').columns(['user_id', 'purpose']).execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('file_uploaders').execute();
  await db.schema.dropTable('stored_files').execute();
  await db.schema.dropTable('uploads').execute();
}
