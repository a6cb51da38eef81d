import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TruongAnDb } from '../../../../src/client/db/database';
import type { Material } from '../../../../src/shared/domain/records';
import type { Session } from '../../../../src/shared/domain/activities';
import { newId } from '../../../../src/shared/domain/ids';
import {
  fileKey,
  MATERIALS_CACHE,
  MIN_FREE_BYTES,
  NeedsConsentError,
  planEviction,
  prefetchMaterials,
  saveOffline,
  type OfflineDeps,
} from '../../../../src/client/features/materials/offline-cache';
import { listOfflineMaterials, putOfflineMaterial, type OfflineMaterial } from '../../../../src/client/db/repositories/offline-materials';
import { NotAvailableOfflineError, openMaterial } from '../../../../src/client/features/materials/open-material';
import { filterLibrary, EMPTY_FILTER } from '../../../../src/client/features/materials/library-filter';
import { freshDb } from '../sync/harness';

/** The Cache API as a map of URL → bytes, enough for what the offline cache does with it. */
class FakeCaches {
  readonly entries = new Map<string, { bytes: ArrayBuffer; type: string }>();
  open(name: string): Promise<Cache> {
    expect(name).toBe(MATERIALS_CACHE);
    const entries = this.entries;
    return Promise.resolve({
      async put(key: string, response: Response) {
        entries.set(key, { bytes: await response.arrayBuffer(), type: response.headers.get('content-type') ?? '' });
      },
      match(key: string) {
        const e = entries.get(key);
        return Promise.resolve(e ? new Response(e.bytes.slice(0), { headers: { 'content-type': e.type } }) : undefined);
      },
      delete(key: string) {
        return Promise.resolve(entries.delete(key));
      },
    } as unknown as Cache);
  }
}

const sha = (n: number) => n.toString(16).padStart(64, '0');
const NOW = Date.parse('2026-03-02T01:00:00.000Z');
const day = 86_400_000;

function material(over: Partial<Material> = {}): Material {
  return {
    id: newId(),
    ownerUnitId: newId(),
    schoolId: null,
    title: 'Tài liệu',
    description: null,
    activityTypeId: null,
    schoolLevel: null,
    schoolYearId: null,
    tags: [],
    mime: 'application/pdf',
    size: 10,
    sha256: sha(1),
    uploadedBy: newId(),
    createdAt: '2026-01-01T00:00:00.000Z',
    versionNo: 1,
    status: 'active',
    updatedAt: null,
    ...over,
  };
}

function session(startsAt: number, materialIds: string[], over: Partial<Session> = {}): Session {
  return {
    id: newId(),
    schoolId: newId(),
    scopeUnitId: newId(),
    schoolYearId: newId(),
    activityTypeId: newId(),
    scenarioCode: null,
    title: 'Buổi',
    startsAt: new Date(startsAt).toISOString(),
    endsAt: new Date(startsAt + 3_600_000).toISOString(),
    place: null,
    audience: { classIds: [], grades: [], staff: true, youthStaffOnly: false, parents: false },
    facilitatorPersonId: null,
    trainerUserId: null,
    materialIds,
    periods: null,
    status: 'planned',
    revision: 0,
    createdBy: newId(),
    seriesId: null,
    ...over,
  };
}

const held = (materialId: string, size: number, lastUsedAt: string, over: Partial<OfflineMaterial> = {}): OfflineMaterial => ({
  materialId,
  sha256: sha(size),
  size,
  mime: 'application/pdf',
  savedAt: lastUsedAt,
  lastUsedAt,
  pinnedBy: 'user',
  ...over,
});

describe('offline materials', () => {
  let db: TruongAnDb;
  let caches: FakeCaches;
  let fetched: string[];
  let online: boolean;
  let space: { usage: number; quota: number } | null;

  const deps = (): OfflineDeps => ({
    db,
    caches,
    fetch: (url, init) => {
      expect((init?.headers as Record<string, string>).authorization).toBe('Bearer tok');
      fetched.push(url);
      const bytes = new Uint8Array(Number.parseInt(url.slice(-8), 16) || 1).fill(7);
      return Promise.resolve(new Response(bytes, { status: 200 }));
    },
    token: () => Promise.resolve(online ? 'tok' : null),
    now: () => NOW,
    ...(space ? { estimate: () => Promise.resolve(space!) } : {}),
  });

  beforeEach(() => {
    db = freshDb();
    caches = new FakeCaches();
    fetched = [];
    online = true;
    space = null;
  });
  afterEach(async () => {
    await db.delete();
  });

  it('plans evictions least recently used first, and never a material needed soon without asking', () => {
    const rows = [held('a', 100, '2026-03-01'), held('b', 100, '2026-02-01'), held('c', 100, '2026-01-01'), held('d', 100, '2026-02-15')];
    expect(planEviction(rows, 150, new Set()).drop.map((r) => r.materialId)).toEqual(['c', 'b']);
    const guarded = planEviction(rows, 150, new Set(['c']));
    expect(guarded.drop.map((r) => r.materialId)).toEqual(['b', 'd']);
    expect(guarded.askToDrop).toEqual([]);
    const tight = planEviction(rows, 350, new Set(['c', 'a']));
    expect(tight.drop.map((r) => r.materialId)).toEqual(['b', 'd']);
    expect(tight.askToDrop.map((r) => r.materialId)).toEqual(['c', 'a']);
    expect(tight.shortBy).toBe(0);
    expect(planEviction(rows, 500, new Set()).shortBy).toBe(100);
  });

  it('fetches the materials of upcoming sessions after a sync, not those of past or cancelled ones', async () => {
    const soon = material({ sha256: sha(0x20), size: 0x20 });
    const later = material({ sha256: sha(0x30), size: 0x30 });
    const past = material({ sha256: sha(0x40) });
    const cancelled = material({ sha256: sha(0x50) });
    await db.entity('material').bulkPut([soon, later, past, cancelled]);
    await db.entity('session').bulkPut([
      session(NOW + 2 * day, [soon.id]),
      session(NOW + 30 * day, [later.id]),
      session(NOW - 3 * day, [past.id]),
      session(NOW + day, [cancelled.id], { status: 'cancelled' }),
    ]);
    const report = await prefetchMaterials(deps());
    expect(report.saved).toEqual([soon.id, later.id]);
    expect(fetched).toEqual([fileKey(soon.sha256), fileKey(later.sha256)]);
    expect([...caches.entries.keys()].sort()).toEqual([fileKey(soon.sha256), fileKey(later.sha256)].sort());
    const rows = await listOfflineMaterials(db);
    expect(rows.map((r) => [r.materialId, r.pinnedBy, r.size])).toEqual(
      expect.arrayContaining([
        [soon.id, 'session', 0x20],
        [later.id, 'session', 0x30],
      ]),
    );
    // A second run has nothing to do.
    expect((await prefetchMaterials(deps())).saved).toEqual([]);
    expect(fetched).toHaveLength(2);
  });

  it('refreshes a held copy when the material has a new version, and drops the old bytes', async () => {
    const m = material({ sha256: sha(0x11), size: 0x11 });
    await db.entity('material').put(m);
    await saveOffline(deps(), m, { pinnedBy: 'user' });
    expect(caches.entries.has(fileKey(sha(0x11)))).toBe(true);

    // The pull brings version 2: a new sha256 on the same id.
    const v2 = { ...m, sha256: sha(0x12), size: 0x12, versionNo: 2 };
    await db.entity('material').put(v2);
    online = false;
    expect((await prefetchMaterials(deps())).failed).toHaveLength(1);
    // Offline, the old copy still opens, flagged as outdated.
    const offline = await openMaterial(deps(), v2, false);
    expect(offline.outdated).toBe(true);
    expect(offline.source.kind).toBe('pdf');

    online = true;
    expect((await prefetchMaterials(deps())).saved).toEqual([m.id]);
    expect([...caches.entries.keys()]).toEqual([fileKey(sha(0x12))]);
    expect(await listOfflineMaterials(db)).toMatchObject([{ materialId: m.id, sha256: sha(0x12), pinnedBy: 'user' }]);
  });

  it('makes room by dropping the least recently used, and asks before dropping a material of a session this week', async () => {
    const old = material({ sha256: sha(0x100), size: 0x100 });
    const needed = material({ sha256: sha(0x200), size: 0x200 });
    const wanted = material({ sha256: sha(0x300), size: 0x300 });
    await db.entity('material').bulkPut([old, needed, wanted]);
    await db.entity('session').put(session(NOW + 3 * day, [needed.id]));
    await putOfflineMaterial(held(old.id, 0x100, '2026-01-01T00:00:00.000Z', { sha256: old.sha256 }), db);
    await putOfflineMaterial(held(needed.id, 0x200, '2026-01-02T00:00:00.000Z', { sha256: needed.sha256, pinnedBy: 'session' }), db);
    caches.entries.set(fileKey(old.sha256), { bytes: new ArrayBuffer(0x100), type: '' });
    caches.entries.set(fileKey(needed.sha256), { bytes: new ArrayBuffer(0x200), type: '' });

    // Room for 0x300 more only after freeing 0x300: dropping `old` is not enough, `needed` is protected.
    space = { usage: 0, quota: MIN_FREE_BYTES + 0x300 - 0x300 };
    const error = await saveOffline(deps(), wanted, { pinnedBy: 'user' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NeedsConsentError);
    expect((error as NeedsConsentError).plan.askToDrop.map((r) => r.materialId)).toEqual([needed.id]);
    expect((await listOfflineMaterials(db)).map((r) => r.materialId).sort()).toEqual([old.id, needed.id].sort());
    expect(fetched).toEqual([]);

    // Enough once `old` goes: it is dropped silently, `needed` stays.
    space = { usage: 0, quota: MIN_FREE_BYTES + 0x300 - 0x100 };
    await saveOffline(deps(), wanted, { pinnedBy: 'user' });
    expect((await listOfflineMaterials(db)).map((r) => r.materialId).sort()).toEqual([needed.id, wanted.id].sort());
    expect(caches.entries.has(fileKey(old.sha256))).toBe(false);

    // With the user's consent, a material needed soon may go.
    const another = material({ sha256: sha(0x400), size: 0x400 });
    space = { usage: 0, quota: MIN_FREE_BYTES + 0x400 - 0x500 };
    await saveOffline(deps(), another, { pinnedBy: 'user', allowProtected: true });
    expect((await listOfflineMaterials(db)).map((r) => r.materialId)).not.toContain(needed.id);
  });

  it('opens from the device offline, and says so when the material is not on the device', async () => {
    const pdf = material({ sha256: sha(0x21), size: 0x21 });
    const video = material({ sha256: sha(0x22), size: 0x22, mime: 'video/mp4' });
    const missing = material({ sha256: sha(0x23) });
    await saveOffline(deps(), pdf, { pinnedBy: 'user' });
    await saveOffline(deps(), video, { pinnedBy: 'user' });
    online = false;
    const opened = await openMaterial(deps(), pdf, false);
    expect(opened.source.kind === 'pdf' && opened.source.bytes.byteLength).toBe(0x21);
    // With a service worker in control, a cached video plays from its URL (the worker answers ranges from the cache).
    expect((await openMaterial(deps(), video, true)).source).toEqual({ kind: 'video', url: fileKey(video.sha256) });
    await expect(openMaterial(deps(), missing, false)).rejects.toBeInstanceOf(NotAvailableOfflineError);
  });

  it('searches the device library without accents, by filters, upcoming first', () => {
    const a = material({ title: 'An toàn giao thông cho học sinh', schoolLevel: 'th', createdAt: '2026-01-02T00:00:00.000Z' });
    const b = material({ title: 'Phòng cháy chữa cháy', schoolLevel: 'thcs', createdAt: '2026-01-03T00:00:00.000Z' });
    const c = material({ title: 'Đội mũ bảo hiểm', status: 'archived' });
    const d = material({ title: 'Giao thông an toàn', createdAt: '2026-01-01T00:00:00.000Z' });
    const all = [a, b, c, d];
    expect(filterLibrary(all, { ...EMPTY_FILTER, q: 'an toan GIAO' }).map((m) => m.id)).toEqual([a.id, d.id]);
    expect(filterLibrary(all, { ...EMPTY_FILTER, q: 'doi mu' })).toEqual([]);
    expect(filterLibrary(all, { ...EMPTY_FILTER, schoolLevel: 'thcs' }).map((m) => m.id)).toEqual([b.id]);
    expect(filterLibrary(all, EMPTY_FILTER, new Map([[d.id, '2026-03-05T00:00:00.000Z']])).map((m) => m.id)).toEqual([d.id, b.id, a.id]);
  });
});
