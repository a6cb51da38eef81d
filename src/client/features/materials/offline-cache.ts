import type { Material } from '../../../shared/domain/records';
import type { TruongAnDb } from '../../db/database';
import {
  countHolders,
  deleteOfflineMaterial,
  getMaterial,
  getOfflineMaterial,
  listMaterials,
  listOfflineMaterials,
  putOfflineMaterial,
  upcomingSessionMaterials,
  type OfflineMaterial,
} from '../../db/repositories/offline-materials';

/**
 * Materials for offline use. The bytes live in the Cache API, cache `materials-v1`, under `/api/files/<sha256>`: the
 * service worker (src/client/pwa/sw.ts) answers that URL from there, range requests included, so a `<video>` seeks
 * offline. The page fetches the file itself with the signed-in user's token and puts the whole 200 answer in the
 * cache: the worker never needs a token, and a `<video>` (which cannot send one) only ever plays cached bytes.
 * The `offlineMaterials` store says which material holds which bytes, when it was last opened, and why it was kept.
 */
export const MATERIALS_CACHE = 'materials-v1';
export const fileKey = (sha256: string) => `/api/files/${sha256}`;

/** Sessions starting within this many days keep their materials: dropping one needs the user's consent. */
export const PROTECT_DAYS = 7;
/** Space kept free for the rest of the app (attendance, photos waiting to upload) when filling with materials. */
export const MIN_FREE_BYTES = 50 * 1024 * 1024;

export interface OfflineDeps {
  db: TruongAnDb;
  caches: Pick<CacheStorage, 'open'>;
  fetch: (input: string, init?: RequestInit) => Promise<Response>;
  /** The signed-in user's bearer token, null when offline or signed out. */
  token: () => Promise<string | null>;
  now: () => number;
  /** The browser's storage estimate; absent: assume there is room and let a quota error say otherwise. */
  estimate?: () => Promise<{ usage?: number; quota?: number }>;
}

export type OfflineState = 'available' | 'outdated' | 'none';

/** What a material's offline copy is worth: the current version, an old one (refreshed when online), or none. */
export function offlineStateOf(material: Pick<Material, 'sha256'>, held: Pick<OfflineMaterial, 'sha256'> | undefined): OfflineState {
  if (!held) return 'none';
  return held.sha256 === material.sha256 ? 'available' : 'outdated';
}

export interface EvictionPlan {
  /** Least recently used first, none needed by a session in the next PROTECT_DAYS days. */
  drop: OfflineMaterial[];
  /** Still short after dropping all of those: these would also have to go, and only with the user's consent. */
  askToDrop: OfflineMaterial[];
  /** Bytes still missing after dropping everything listed (0 when the plan makes room). */
  shortBy: number;
}

/**
 * Which saved materials to drop to free `needed` bytes: least recently opened first, those needed soon never without
 * asking (they are listed separately, in the same order). Pure, so the rule is tested without a browser.
 */
export function planEviction(rows: OfflineMaterial[], needed: number, protectedIds: ReadonlySet<string>, keep?: string): EvictionPlan {
  const byAge = [...rows].filter((r) => r.materialId !== keep).sort((a, b) => (a.lastUsedAt < b.lastUsedAt ? -1 : a.lastUsedAt > b.lastUsedAt ? 1 : 0));
  let missing = needed;
  const drop: OfflineMaterial[] = [];
  const askToDrop: OfflineMaterial[] = [];
  for (const r of byAge) {
    if (missing <= 0) break;
    if (protectedIds.has(r.materialId)) continue;
    drop.push(r);
    missing -= r.size;
  }
  for (const r of byAge) {
    if (missing <= 0) break;
    if (!protectedIds.has(r.materialId)) continue;
    askToDrop.push(r);
    missing -= r.size;
  }
  return { drop, askToDrop, shortBy: Math.max(0, missing) };
}

/** Saving needs dropping materials that a session in the next days uses: the page asks the user first. */
export class NeedsConsentError extends Error {
  constructor(readonly plan: EvictionPlan) {
    super('Cần xoá tài liệu của buổi sắp tới để có chỗ (room needed from materials of upcoming sessions)');
    this.name = 'NeedsConsentError';
  }
}

export class NotEnoughSpaceError extends Error {
  constructor(readonly shortBy: number) {
    super('Thiết bị không còn đủ chỗ (not enough space on the device)');
    this.name = 'NotEnoughSpaceError';
  }
}

/** Ids of materials attached to sessions that start within PROTECT_DAYS days (or are under way). */
export async function protectedMaterialIds(deps: Pick<OfflineDeps, 'db' | 'now'>): Promise<Set<string>> {
  const now = deps.now();
  const limit = new Date(now + PROTECT_DAYS * 86_400_000).toISOString();
  const upcoming = await upcomingSessionMaterials(new Date(now).toISOString(), deps.db);
  return new Set([...upcoming].filter(([, startsAt]) => startsAt <= limit).map(([id]) => id));
}

/** Bytes of materials saved on this device (the cache's share of the storage used). */
export async function offlineBytes(db: TruongAnDb): Promise<number> {
  return (await listOfflineMaterials(db)).reduce((sum, r) => sum + r.size, 0);
}

async function removeCopy(deps: OfflineDeps, row: OfflineMaterial): Promise<void> {
  await deleteOfflineMaterial(row.materialId, deps.db);
  if ((await countHolders(row.sha256, deps.db)) === 0) {
    await (await deps.caches.open(MATERIALS_CACHE)).delete(fileKey(row.sha256));
  }
}

/** Drops a material's offline copy (the user's "Xoá khỏi thiết bị"). */
export async function removeOffline(deps: OfflineDeps, materialId: string): Promise<void> {
  const row = await getOfflineMaterial(materialId, deps.db);
  if (row) await removeCopy(deps, row);
}

/**
 * Makes room for `bytes`: drops least-recently-used copies not needed soon; those needed soon only when
 * `allowProtected` (the user agreed). Throws NeedsConsentError / NotEnoughSpaceError when it cannot.
 */
async function makeRoom(deps: OfflineDeps, bytes: number, keep: string, allowProtected: boolean): Promise<void> {
  if (!deps.estimate) return;
  const { usage, quota } = await deps.estimate();
  if (typeof usage !== 'number' || typeof quota !== 'number') return;
  const needed = bytes + MIN_FREE_BYTES - (quota - usage);
  if (needed <= 0) return;
  const plan = planEviction(await listOfflineMaterials(deps.db), needed, await protectedMaterialIds(deps), keep);
  if (plan.shortBy > 0) throw new NotEnoughSpaceError(plan.shortBy);
  if (plan.askToDrop.length > 0 && !allowProtected) throw new NeedsConsentError(plan);
  for (const row of [...plan.drop, ...plan.askToDrop]) await removeCopy(deps, row);
}

export interface SaveOptions {
  pinnedBy: 'session' | 'user';
  /** The user agreed to drop materials of upcoming sessions if space requires it. */
  allowProtected?: boolean;
}

/**
 * Fetches a material's current file into the cache and records it. Already holding the current version: only the
 * reason is upgraded to 'user' when saved by hand. Holding an old version: the new one replaces it.
 */
export async function saveOffline(deps: OfflineDeps, material: Material, options: SaveOptions): Promise<'saved' | 'already'> {
  const held = await getOfflineMaterial(material.id, deps.db);
  const nowIso = new Date(deps.now()).toISOString();
  if (held && held.sha256 === material.sha256) {
    if (options.pinnedBy === 'user' && held.pinnedBy !== 'user') await putOfflineMaterial({ ...held, pinnedBy: 'user' }, deps.db);
    return 'already';
  }
  const token = await deps.token();
  if (!token) throw new Error('Cần đăng nhập và có mạng để tải tài liệu (sign-in and network needed)');
  await makeRoom(deps, material.size, material.id, options.allowProtected ?? false);
  const response = await deps.fetch(fileKey(material.sha256), {
    headers: { authorization: `Bearer ${token}` },
    credentials: 'omit',
    cache: 'no-store',
  });
  if (!response.ok) throw new Error(`Không tải được tài liệu (download failed: ${response.status})`);
  const cache = await deps.caches.open(MATERIALS_CACHE);
  // Stored as a plain 200 with its type and length: the service worker slices it for range requests.
  const bytes = await response.arrayBuffer();
  await cache.put(
    fileKey(material.sha256),
    new Response(bytes, {
      status: 200,
      headers: { 'content-type': material.mime, 'content-length': String(bytes.byteLength), 'accept-ranges': 'bytes' },
    }),
  );
  await putOfflineMaterial(
    {
      materialId: material.id,
      sha256: material.sha256,
      size: bytes.byteLength,
      mime: material.mime,
      savedAt: nowIso,
      lastUsedAt: held?.lastUsedAt ?? nowIso,
      pinnedBy: held?.pinnedBy === 'user' ? 'user' : options.pinnedBy,
    },
    deps.db,
  );
  if (held && (await countHolders(held.sha256, deps.db)) === 0) await cache.delete(fileKey(held.sha256));
  return 'saved';
}

export interface PrefetchReport {
  saved: string[];
  failed: { materialId: string; reason: string }[];
}

/**
 * After a sync, while online: fetches the materials of upcoming sessions not yet held, and refreshes every held copy
 * whose material has a new version. In the background nothing needed soon is dropped (no one to ask): a material
 * that does not fit is reported as failed and tried again after the next sync.
 */
export async function prefetchMaterials(deps: OfflineDeps): Promise<PrefetchReport> {
  const report: PrefetchReport = { saved: [], failed: [] };
  const upcoming = await upcomingSessionMaterials(new Date(deps.now()).toISOString(), deps.db);
  const held = new Map((await listOfflineMaterials(deps.db)).map((r) => [r.materialId, r]));
  const wanted = new Map<string, 'session' | 'user'>();
  for (const id of upcoming.keys()) wanted.set(id, 'session');
  for (const [id, row] of held) if (!wanted.has(id)) wanted.set(id, row.pinnedBy);
  // Soonest session first: when space runs out, what is needed first is what was fetched.
  const order = [...wanted.keys()].sort((a, b) => (upcoming.get(a) ?? '\uffff').localeCompare(upcoming.get(b) ?? '\uffff'));
  for (const id of order) {
    const material = await getMaterial(id, deps.db);
    if (!material || offlineStateOf(material, held.get(id)) === 'available') continue;
    try {
      if ((await saveOffline(deps, material, { pinnedBy: wanted.get(id)! })) === 'saved') report.saved.push(id);
    } catch (error) {
      report.failed.push({ materialId: id, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return report;
}

/** The cached bytes of a file, or null. Used by the viewer for PDFs and images, and for video without a worker. */
export async function cachedFile(deps: Pick<OfflineDeps, 'caches'>, sha256: string): Promise<Response | null> {
  const cache = await deps.caches.open(MATERIALS_CACHE);
  return (await cache.match(fileKey(sha256))) ?? null;
}

/** Materials with their offline state, for the library list. */
export async function materialsWithOfflineState(db: TruongAnDb): Promise<{ material: Material; state: OfflineState; held?: OfflineMaterial }[]> {
  const held = new Map((await listOfflineMaterials(db)).map((r) => [r.materialId, r]));
  return (await listMaterials(db)).map((material) => {
    const h = held.get(material.id);
    return { material, state: offlineStateOf(material, h), ...(h ? { held: h } : {}) };
  });
}
