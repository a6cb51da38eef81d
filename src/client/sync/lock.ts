/**
 * One sync at a time across the tabs of a device: two tabs pushing the same outbox would only waste requests
 * (the server deduplicates), but two tabs pulling would race on the cursor.
 */
export interface SyncLock {
  /** Runs `fn` if no other tab holds the lock; otherwise resolves at once with `acquired: false`. */
  run<T>(fn: () => Promise<T>): Promise<{ acquired: true; value: T } | { acquired: false }>;
}

export const LOCK_NAME = 'truong-an-sync';
const LEASE_MS = 60_000;

interface LockManagerLike {
  request<T>(
    name: string,
    options: { ifAvailable: boolean },
    callback: (lock: unknown) => Promise<T>,
  ): Promise<T>;
}

interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface SyncLockOptions {
  locks?: LockManagerLike | null;
  storage?: StorageLike | null;
  now?: () => number;
  owner?: string;
}

/** Web Locks where the browser has them (released even if the tab dies), else a renewed localStorage lease. */
export function createSyncLock(options: SyncLockOptions = {}): SyncLock {
  const nav = typeof navigator === 'undefined' ? undefined : (navigator as Navigator & { locks?: LockManagerLike });
  const locks = options.locks === undefined ? (nav?.locks ?? null) : options.locks;
  if (locks) return webLock(locks);
  const storage = options.storage === undefined ? safeLocalStorage() : options.storage;
  if (storage) return leaseLock(storage, options.now ?? Date.now, options.owner ?? randomOwner());
  return inProcessLock();
}

function webLock(locks: LockManagerLike): SyncLock {
  return {
    async run(fn) {
      const NOT_ACQUIRED = Symbol('not acquired');
      const value = await locks.request(LOCK_NAME, { ifAvailable: true }, async (lock) =>
        lock ? await fn() : NOT_ACQUIRED,
      );
      return value === NOT_ACQUIRED ? { acquired: false } : { acquired: true, value: value as Awaited<ReturnType<typeof fn>> };
    },
  };
}

/**
 * A lease with an expiry, renewed while the sync runs, so that a tab that crashed mid-sync blocks the others for at
 * most LEASE_MS. localStorage has no compare-and-set: the read-back after writing narrows the race to two tabs
 * writing within the same instant, which costs at worst a duplicate (harmless) push.
 */
function leaseLock(storage: StorageLike, now: () => number, owner: string): SyncLock {
  const key = `${LOCK_NAME}-lease`;
  const read = (): { owner: string; until: number } | null => {
    try {
      const value = JSON.parse(storage.getItem(key) ?? 'null') as unknown;
      if (value && typeof value === 'object' && 'owner' in value && 'until' in value) {
        return value as { owner: string; until: number };
      }
    } catch {
      // A corrupt lease is no lease.
    }
    return null;
  };
  const write = (): void => storage.setItem(key, JSON.stringify({ owner, until: now() + LEASE_MS }));
  let running = false;
  return {
    async run(fn) {
      if (running) return { acquired: false };
      const held = read();
      if (held && held.owner !== owner && held.until > now()) return { acquired: false };
      write();
      if (read()?.owner !== owner) return { acquired: false };
      running = true;
      const renew = setInterval(write, LEASE_MS / 3);
      try {
        return { acquired: true, value: await fn() };
      } finally {
        clearInterval(renew);
        running = false;
        if (read()?.owner === owner) storage.removeItem(key);
      }
    },
  };
}

function inProcessLock(): SyncLock {
  let running = false;
  return {
    async run(fn) {
      if (running) return { acquired: false };
      running = true;
      try {
        return { acquired: true, value: await fn() };
      } finally {
        running = false;
      }
    },
  };
}

function safeLocalStorage(): StorageLike | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    // Storage disabled by the browser's privacy settings.
    return null;
  }
}

function randomOwner(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : String(Math.random());
}
