import { describe, expect, it } from 'vitest';
import { createSyncLock } from '../../../../src/client/sync/lock';

function memoryStorage() {
  const map = new Map<string, string>();
  return {
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
    removeItem: (k: string) => void map.delete(k),
  };
}

describe('sync lock', () => {
  it('lets one tab sync at a time with the localStorage lease, and frees it afterwards', async () => {
    const storage = memoryStorage();
    let clock = 1_000;
    const tabA = createSyncLock({ locks: null, storage, now: () => clock, owner: 'a' });
    const tabB = createSyncLock({ locks: null, storage, now: () => clock, owner: 'b' });

    let inner: unknown;
    const outer = await tabA.run(async () => {
      inner = await tabB.run(async () => 'b ran');
      return 'a ran';
    });
    expect(outer).toEqual({ acquired: true, value: 'a ran' });
    expect(inner).toEqual({ acquired: false });
    expect(await tabB.run(async () => 'b ran')).toEqual({ acquired: true, value: 'b ran' });

    // A tab that died holding the lease blocks the others only until it expires.
    storage.setItem('truong-an-sync-lease', JSON.stringify({ owner: 'dead', until: clock + 10 }));
    expect(await tabA.run(async () => 1)).toEqual({ acquired: false });
    clock += 11;
    expect(await tabA.run(async () => 1)).toEqual({ acquired: true, value: 1 });
  });

  it('uses Web Locks with ifAvailable when the browser has them', async () => {
    const requests: { name: string; ifAvailable: boolean }[] = [];
    let held = false;
    const locks = {
      async request<T>(name: string, options: { ifAvailable: boolean }, cb: (lock: unknown) => Promise<T>): Promise<T> {
        requests.push({ name, ifAvailable: options.ifAvailable });
        if (held) return cb(null);
        held = true;
        try {
          return await cb({ name });
        } finally {
          held = false;
        }
      },
    };
    const lock = createSyncLock({ locks });
    let nested: unknown;
    expect(await lock.run(async () => {
      nested = await lock.run(async () => 'second');
      return 'first';
    })).toEqual({ acquired: true, value: 'first' });
    expect(nested).toEqual({ acquired: false });
    expect(requests).toEqual([
      { name: 'truong-an-sync', ifAvailable: true },
      { name: 'truong-an-sync', ifAvailable: true },
    ]);
  });
});
