import { getDb, type TruongAnDb } from '../database';
import type { MetaKey } from '../schema';

export async function getMeta<T>(key: MetaKey, db: TruongAnDb = getDb()): Promise<T | undefined> {
  return (await db.meta.get(key))?.value as T | undefined;
}

export async function setMeta(key: MetaKey, value: unknown, db: TruongAnDb = getDb()): Promise<void> {
  await db.meta.put({ key, value });
}

export async function deleteMeta(key: MetaKey, db: TruongAnDb = getDb()): Promise<void> {
  await db.meta.delete(key);
}

/**
 * A random id for this device and browser profile, made once (stored under the meta key 'clientId', as it always
 * was). It is not a secret and identifies no person; sync requests carry it as part of `syncClientId`.
 */
export async function getDeviceId(db: TruongAnDb = getDb(), random: () => string = randomClientId): Promise<string> {
  return db.transaction('rw', db.meta, async () => {
    const existing = await getMeta<string>('clientId', db);
    if (typeof existing === 'string' && existing.length >= 8) return existing;
    const id = random();
    await setMeta('clientId', id, db);
    return id;
  });
}

function randomClientId(): string {
  return `device-${crypto.randomUUID()}`;
}

/**
 * The clientId of one user's syncs from this device. The server binds a clientId to the first user who syncs with
 * it, and on a shared tablet each user pushes with their own token, so the id is per (device, user). A device id
 * (43 characters) and a user id (36) stay well within the wire's 100.
 */
export function syncClientId(deviceId: string, userId: string): string {
  return `${deviceId}.${userId}`;
}

/** Device time corrected by what was learned from the server's clock, in milliseconds. */
export async function getClockOffset(db: TruongAnDb = getDb()): Promise<number> {
  const offset = await getMeta<number>('clockOffsetMs', db);
  return typeof offset === 'number' && Number.isFinite(offset) ? offset : 0;
}
