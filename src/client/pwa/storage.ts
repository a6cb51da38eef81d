/** The parts of the StorageManager this app uses; tests hand in their own. */
export type StorageLike = Pick<StorageManager, 'persisted' | 'persist' | 'estimate'>;

function deviceStorage(): StorageLike | undefined {
  return globalThis.navigator?.storage;
}

/**
 * Asks the browser to keep this origin's storage under pressure: without it, Chromium and Safari may evict
 * IndexedDB — and with it the outbox of unsynced attendance — when the disk fills up. Browsers decide silently
 * (Chromium by engagement), so the answer is only reported, never awaited by the interface.
 */
export async function requestPersistentStorage(storage: StorageLike | undefined = deviceStorage()): Promise<boolean> {
  if (!storage?.persist || !storage.persisted) return false;
  if (await storage.persisted()) return true;
  return storage.persist();
}

export interface StorageStatus {
  /** null: the browser has no StorageManager (old Safari, an insecure origin). */
  persisted: boolean | null;
  /** Bytes this origin uses and may use, as the browser estimates them; null when it cannot tell. */
  usage: number | null;
  quota: number | null;
}

/**
 * What the settings page shows about the device's storage. Each figure is read on its own: a browser that answers
 * one question and throws on the other still shows what it knows, and the failure goes to the caller, not a log.
 */
export async function readStorageStatus(storage: StorageLike | undefined = deviceStorage()): Promise<StorageStatus> {
  if (!storage) return { persisted: null, usage: null, quota: null };
  const [persisted, estimate] = await Promise.all([
    storage.persisted ? storage.persisted() : Promise.resolve(null),
    storage.estimate ? storage.estimate() : Promise.resolve(null),
  ]);
  return {
    persisted,
    usage: typeof estimate?.usage === 'number' ? estimate.usage : null,
    quota: typeof estimate?.quota === 'number' ? estimate.quota : null,
  };
}

/** From this share of the quota on, the settings page warns that new data may soon fail to save. */
export const STORAGE_WARNING_RATIO = 0.8;

export function usageRatio(status: Pick<StorageStatus, 'usage' | 'quota'>): number | null {
  if (status.usage === null || status.quota === null || status.quota <= 0) return null;
  return Math.min(1, status.usage / status.quota);
}

const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
const LANGUAGE_TAG = { vi: 'vi-VN', en: 'en-GB' } as const;

/** Bytes for people: "12,3 MB", "1,5 GB" (binary multiples, which is what the browsers' quotas are made of). */
export function formatBytes(bytes: number, locale: keyof typeof LANGUAGE_TAG): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return new Intl.NumberFormat(LANGUAGE_TAG[locale], {
    style: 'unit',
    unit: UNITS[unit],
    unitDisplay: 'short',
    maximumFractionDigits: unit === 0 || value >= 100 ? 0 : 1,
  }).format(value);
}

/**
 * True for the browser's "disk full for this site" error, whichever way it arrives (a DOMException from
 * IndexedDB or the Cache API, or Dexie's wrapper of it, which keeps the original as `inner`).
 */
export function isQuotaError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth += 1) {
    const name = (e as { name?: unknown }).name;
    if (name === 'QuotaExceededError') return true;
    e = (e as { inner?: unknown }).inner;
  }
  return false;
}
