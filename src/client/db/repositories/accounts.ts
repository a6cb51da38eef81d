import { getDb, type TruongAnDb } from '../database';
import type { DeviceAccount } from '../schema';

export async function getAccount(userId: string, db: TruongAnDb = getDb()): Promise<DeviceAccount | undefined> {
  return db.accounts.get(userId);
}

export async function findAccountByUsername(
  username: string,
  db: TruongAnDb = getDb(),
): Promise<DeviceAccount | undefined> {
  return db.accounts.where('username').equals(username.trim().toLowerCase()).first();
}

export async function listAccounts(db: TruongAnDb = getDb()): Promise<DeviceAccount[]> {
  return db.accounts.toArray();
}

export async function putAccount(account: DeviceAccount, db: TruongAnDb = getDb()): Promise<void> {
  await db.accounts.put(account);
}

export async function updateAccount(
  userId: string,
  changes: Partial<Omit<DeviceAccount, 'userId'>>,
  db: TruongAnDb = getDb(),
): Promise<void> {
  await db.accounts.update(userId, changes);
}

/**
 * Forgets an account's token after sign-out. The account itself (and its offline verifier) goes only when it has
 * no queued changes: a change made offline must still be sent once its author signs in again.
 */
export async function signOutAccount(userId: string, db: TruongAnDb = getDb()): Promise<'kept' | 'removed'> {
  return db.transaction('rw', [db.accounts, db.outbox], async () => {
    const queued = await db.outbox.where('userId').equals(userId).count();
    if (queued > 0) {
      await db.accounts.update(userId, { token: null, expiresAt: null });
      return 'kept';
    }
    await db.accounts.delete(userId);
    return 'removed';
  });
}

/**
 * The accounts the sign-in page offers on a shared tablet: signed in (token kept) or with changes still queued.
 */
export async function listDeviceAccounts(db: TruongAnDb = getDb()): Promise<DeviceAccount[]> {
  const accounts = await db.accounts.toArray();
  // Only the signed-out accounts' queues are read, each by its own key: the session store follows this list live,
  // and a read of the whole outbox re-ran (and held up the next write) at every mark the signed-in teacher made.
  const signedOut = accounts.filter((a) => a.token === null);
  const queued = await Promise.all(signedOut.map((a) => db.outbox.where('userId').equals(a.userId).first()));
  const withWork = new Set(signedOut.filter((_, i) => queued[i] !== undefined).map((a) => a.userId));
  return accounts
    .filter((a) => a.token !== null || withWork.has(a.userId))
    .sort((a, b) => a.user.displayName.localeCompare(b.user.displayName, 'vi'));
}
