import type { Kysely } from 'kysely';

/**
 * sync_clients: which user a sync clientId belongs to, and when that device last pushed and pulled. A clientId is
 * bound to the first user who syncs with it, so that one user's device history cannot be written under another's
 * name; the last_* instants let the coverage dashboard list schools whose devices have gone quiet.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('sync_clients')
    .addColumn('client_id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    // The school of the user's teacher or principal grant: "schools whose devices have not synced" reads it
    // without resolving grants. Null for officers, trainers and admins.
    .addColumn('school_id', 'text', (c) => c.references('units.id'))
    .addColumn('first_seen_at', 'text', (c) => c.notNull())
    .addColumn('last_push_at', 'text')
    .addColumn('last_pull_at', 'text')
    .execute();
  await db.schema.createIndex('sync_clients_user').on('sync_clients').column('user_id').execute();
  await db.schema.createIndex('sync_clients_school').on('sync_clients').columns(['school_id', 'last_push_at']).execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('sync_clients').execute();
}
