import { type Pinia, createPinia, setActivePinia } from 'pinia';
import type { SessionUser } from '../../../../src/shared/auth';
import type { TruongAnDb } from '../../../../src/client/db/database';
import { setMeta } from '../../../../src/client/db/repositories/meta';
import { configureRuntime, type Runtime, type RuntimeOptions } from '../../../../src/client/sync/runtime';
import { useSessionStore } from '../../../../src/client/stores/session';
import type { FakeServer } from '../sync/fake-server';
import { FakeTimers } from '../sync/harness';

/**
 * The real runtime with an engine that never acts on its own: its timers fire only when the test says so, and it
 * listens to no connectivity events, no service worker and no Web Lock, none of which happy-dom has.
 */
export function configureTestRuntime(options: Omit<RuntimeOptions, 'engine'>): Runtime {
  return configureRuntime({
    ...options,
    engine: {
      timers: new FakeTimers(),
      connectivity: null,
      serviceWorker: null,
      requestBackgroundSync: null,
      lock: { run: async (fn) => ({ acquired: true, value: await fn() }) },
    },
  });
}

/**
 * Makes `user` the signed-in account on the device, with a real token from the fake server, and restores the
 * session store from it in a fresh Pinia, as the app does when it starts.
 */
export async function restoreSignedIn(db: TruongAnDb, server: FakeServer, user: SessionUser): Promise<Pinia> {
  const token = server.issueToken(user.id);
  await db.accounts.put({
    userId: user.id,
    username: user.username,
    user,
    token,
    expiresAt: server.tokens.get(token)!.expiresAt,
    verifier: null,
    needsReauth: false,
    lastSignInAt: new Date().toISOString(),
  });
  await setMeta('currentUserId', user.id, db);
  const pinia = createPinia();
  setActivePinia(pinia);
  await useSessionStore().restore();
  return pinia;
}
