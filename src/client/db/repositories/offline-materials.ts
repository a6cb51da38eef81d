import type { Table } from 'dexie';
import type { Material } from '../../../shared/domain/records';
import { getDb, type TruongAnDb } from '../database';

/**
 * A material whose bytes this device keeps in the Cache API (`materials-v1`, keyed by `/api/files/<sha256>`). The row
 * names the sha256 it holds: when the material's row names another (a new version), the copy is out of date.
 * `pinnedBy`: 'session' when fetched because an upcoming session uses it, 'user' when saved by hand.
 */
export interface OfflineMaterial {
  materialId: string;
  sha256: string;
  size: number;
  mime: string;
  savedAt: string;
  lastUsedAt: string;
  pinnedBy: 'session' | 'user';
}

const table = (db: TruongAnDb) => db.table('offlineMaterials') as Table<OfflineMaterial, string>;

export function listOfflineMaterials(db: TruongAnDb = getDb()): Promise<OfflineMaterial[]> {
  return table(db).toArray();
}

export function getOfflineMaterial(materialId: string, db: TruongAnDb = getDb()): Promise<OfflineMaterial | undefined> {
  return table(db).get(materialId);
}

export async function putOfflineMaterial(row: OfflineMaterial, db: TruongAnDb = getDb()): Promise<void> {
  await table(db).put(row);
}

export async function deleteOfflineMaterial(materialId: string, db: TruongAnDb = getDb()): Promise<void> {
  await table(db).delete(materialId);
}

/** Marks a use (opening it), which is what the least-recently-used eviction goes by. */
export async function touchOfflineMaterial(materialId: string, at: string, db: TruongAnDb = getDb()): Promise<void> {
  await table(db).update(materialId, { lastUsedAt: at });
}

/** Other offline rows holding the same bytes (two materials can share a file): the cache entry stays while any does. */
export async function countHolders(sha256: string, db: TruongAnDb = getDb()): Promise<number> {
  return table(db).where('sha256').equals(sha256).count();
}

export function listMaterials(db: TruongAnDb = getDb()): Promise<Material[]> {
  return db.entity('material').toArray();
}

export function getMaterial(id: string, db: TruongAnDb = getDb()): Promise<Material | undefined> {
  return db.entity('material').get(id);
}

/** Material ids attached to sessions that have not ended, with the earliest start among them. */
export async function upcomingSessionMaterials(nowIso: string, db: TruongAnDb = getDb()): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const sessions = await db.entity('session').where('startsAt').aboveOrEqual(new Date(Date.parse(nowIso) - 86_400_000).toISOString()).toArray();
  for (const s of sessions) {
    if (s.status !== 'planned' || s.endsAt < nowIso) continue;
    for (const id of s.materialIds) {
      const earliest = out.get(id);
      if (earliest === undefined || s.startsAt < earliest) out.set(id, s.startsAt);
    }
  }
  return out;
}
