import type { Kysely, Transaction } from 'kysely';
import type { Access } from '../auth/access';
import type { Database } from '../db/schema';
import { forbidden } from '../http/errors';

export const FOREIGN_CLIENT = 'clientId thuộc về người dùng khác (clientId belongs to another user)';

export type SyncDirection = 'push' | 'pull';

/**
 * The school a user's devices sync for: that of a teacher or principal grant on a school. A user with grants at
 * several schools is filed under the first (grants come in a stable order from the database).
 */
export function deviceSchoolOf(access: Access): string | null {
  for (const g of access.principal.grants) {
    if ((g.role === 'teacher' || g.role === 'principal') && access.tree.isSchool(g.unitId)) return g.unitId;
  }
  return null;
}

/**
 * Binds a clientId to the user on its first use and records this sync, in one statement: the upsert updates the
 * row only when it belongs to the same user, so a clientId bound to someone else comes back with no row and the
 * request is refused (403) before it writes anything. Two users racing for a new clientId meet on the primary
 * key: one inserts, the other finds the row taken by someone else.
 */
export async function touchSyncClient(
  db: Kysely<Database> | Transaction<Database>,
  access: Access,
  clientId: string,
  direction: SyncDirection,
  at: string,
): Promise<void> {
  const column = direction === 'push' ? 'last_push_at' : 'last_pull_at';
  const schoolId = deviceSchoolOf(access);
  const row = await db
    .insertInto('sync_clients')
    .values({
      client_id: clientId,
      user_id: access.userId,
      school_id: schoolId,
      first_seen_at: at,
      last_push_at: direction === 'push' ? at : null,
      last_pull_at: direction === 'pull' ? at : null,
    })
    .onConflict((oc) =>
      oc
        .column('client_id')
        // The user's school may have changed since the last sync (a teacher moved): the device follows the user.
        .doUpdateSet((eb) => ({ [column]: eb.ref(`excluded.${column}`), school_id: eb.ref('excluded.school_id') }))
        .whereRef('sync_clients.user_id', '=', 'excluded.user_id'),
    )
    .returning('user_id')
    .executeTakeFirst();
  if (!row) throw forbidden(FOREIGN_CLIENT);
}
