import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import { defineComponent } from 'vue';
import type { TruongAnDb } from '../../../../src/client/db/database';
import type { DeviceAccount } from '../../../../src/client/db/schema';
import { rejectEntries } from '../../../../src/client/db/repositories/outbox';
import { setMeta } from '../../../../src/client/db/repositories/meta';
import { mutateWith } from '../../../../src/client/sync/mutate';
import type { Runtime } from '../../../../src/client/sync/runtime';
import { useSessionStore } from '../../../../src/client/stores/session';
import { freshDb } from '../sync/harness';
import { appPlugins } from '../helpers/mount';
import { configureTestRuntime } from '../helpers/runtime';

/**
 * A device with its own fake-indexeddb database and the real stores over it, offline, so the engine never reaches
 * for a network: the components under test read and change the same Dexie rows the app would.
 */
export interface Device {
  db: TruongAnDb;
  runtime: Runtime;
  pinia: Pinia;
  router: Router;
  plugins: unknown[];
}

const Blank = defineComponent({ render: () => null });

export function makeDevice(now: () => number = Date.now): Device {
  const db = freshDb();
  const runtime = configureTestRuntime({ db, isOnline: () => false, now });
  const pinia = createPinia();
  setActivePinia(pinia);
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'home', component: Blank },
      { path: '/cai-dat', name: 'settings', component: Blank },
      { path: '/can-xu-ly', name: 'needs-attention', component: Blank },
    ],
  });
  return { db, runtime, pinia, router, plugins: appPlugins(pinia, router) };
}

export function makeAccount(displayName: string, changes: Partial<DeviceAccount> = {}): DeviceAccount {
  const userId = randomUUID();
  const username = displayName.toLowerCase().replace(/\s+/g, '.');
  return {
    userId,
    username,
    user: { id: userId, username, displayName, personId: null, mustChangePassword: false, grants: [] },
    token: `token-${userId}`,
    expiresAt: '2099-01-01T00:00:00.000Z',
    verifier: null,
    needsReauth: false,
    lastSignInAt: '2025-10-01T00:00:00.000Z',
    ...changes,
  };
}

/** Puts the account on the device and makes it the signed-in one, as a restart of the app would. */
export async function signInOnDevice(device: Device, account: DeviceAccount): Promise<void> {
  await device.db.accounts.put(account);
  await setMeta('currentUserId', account.userId, device.db);
  await useSessionStore(device.pinia).restore();
}

/** An attendance mark made on the device by `userId` (local row + outbox entry), optionally refused by the server. */
export async function markOnDevice(
  device: Device,
  userId: string,
  args: { sessionId: string; personId: string; status: 'present' | 'late' | 'excused' | 'absent'; note?: string },
  options: { at: number; rejectedWith?: string },
): Promise<string> {
  const { id } = await mutateWith({ db: device.db, userId, now: () => options.at }, 'attendance.mark', args);
  if (options.rejectedWith) await rejectEntries(device.db, new Map([[id, options.rejectedWith]]));
  return id;
}

/** Stops the engine and the stores' live queries before the database goes, so nothing reads a deleted database. */
export async function disposeDevice(device: Device): Promise<void> {
  device.runtime.engine.stop();
  for (const store of (device.pinia as unknown as { _s: Map<string, { $dispose(): void }> })._s.values()) {
    store.$dispose();
  }
  await device.db.delete();
}
