import { ref } from 'vue';
import { getAccount } from '../../db/repositories/accounts';
import { getRuntime } from '../../sync/runtime';
import { prefetchMaterials, type OfflineDeps, type PrefetchReport } from './offline-cache';

/** The offline cache wired to the browser and the signed-in user. */
export function browserOfflineDeps(): OfflineDeps {
  const runtime = getRuntime();
  return {
    db: runtime.db,
    caches: globalThis.caches,
    fetch: (input, init) => globalThis.fetch(input, init),
    token: async () => {
      if (!runtime.isOnline() || !runtime.currentUserId) return null;
      return (await getAccount(runtime.currentUserId, runtime.db))?.token ?? null;
    },
    now: runtime.now,
    ...(typeof globalThis.navigator?.storage?.estimate === 'function' ? { estimate: () => navigator.storage.estimate() } : {}),
  };
}

/** The last background fetch, for the library page ("đang tải…" / what failed). */
export const prefetchRunning = ref(false);
export const lastPrefetch = ref<PrefetchReport | null>(null);

let started = false;
let again = false;

/** Runs a prefetch now, or once more after the one under way (a sync that lands mid-prefetch is not missed). */
export async function prefetchNow(deps: OfflineDeps = browserOfflineDeps()): Promise<void> {
  if (!('caches' in globalThis)) return;
  if (prefetchRunning.value) {
    again = true;
    return;
  }
  prefetchRunning.value = true;
  try {
    do {
      again = false;
      lastPrefetch.value = await prefetchMaterials(deps);
    } while (again);
  } finally {
    prefetchRunning.value = false;
  }
}

/**
 * After each successful sync while online, fetch the materials of upcoming sessions and refresh outdated copies
 * (new versions). Once per page; the engine's status says when a sync finished.
 */
export function startMaterialPrefetch(): void {
  if (started) return;
  started = true;
  const runtime = getRuntime();
  let lastSeen: string | null | undefined;
  runtime.engine.subscribe((status) => {
    if (!status.lastSyncAt || status.lastSyncAt === lastSeen || !status.online || status.syncing) return;
    lastSeen = status.lastSyncAt;
    void prefetchNow().catch(() => undefined);
  });
}
