import { getApiClient, type ApiClient } from '../api';
import { getDb, type TruongAnDb } from '../db/database';
import type { CryptoDeps } from './accounts';
import { SyncEngine, type SyncEngineOptions } from './engine';
import { uploadPendingFiles } from '../files/file-queue';

/**
 * The data layer's singletons, wired once: the database, the API client, the engine and who is signed in. The
 * stores and `mutate` read them from here; tests replace them with `configureRuntime`.
 */
export interface Runtime {
  db: TruongAnDb;
  api: ApiClient;
  engine: SyncEngine;
  isOnline: () => boolean;
  now: () => number;
  crypto: CryptoDeps;
  currentUserId: string | null;
}

export interface RuntimeOptions {
  db?: TruongAnDb;
  api?: ApiClient;
  isOnline?: () => boolean;
  now?: () => number;
  crypto?: CryptoDeps;
  engine?: Partial<Omit<SyncEngineOptions, 'db' | 'api' | 'currentUserId' | 'now' | 'isOnline'>>;
}

let runtime: Runtime | null = null;

export function configureRuntime(options: RuntimeOptions = {}): Runtime {
  runtime?.engine.stop();
  const db = options.db ?? getDb();
  const api = options.api ?? getApiClient();
  const isOnline = options.isOnline ?? (() => (typeof navigator === 'undefined' ? true : navigator.onLine));
  const now = options.now ?? Date.now;
  const state: Runtime = {
    db,
    api,
    isOnline,
    now,
    crypto: options.crypto ?? {},
    currentUserId: null,
    engine: null as unknown as SyncEngine,
  };
  state.engine = new SyncEngine({
    requestBackgroundSync,
    // Queued photos and signatures go up with every sync (tests that pass their own engine options may replace it).
    uploadFiles: (tokens) => uploadPendingFiles({ db, tokens }),
    ...options.engine,
    db,
    api,
    now,
    isOnline,
    currentUserId: () => state.currentUserId,
  });
  runtime = state;
  return state;
}

export function getRuntime(): Runtime {
  return runtime ?? configureRuntime();
}

/**
 * Asks the browser (Chromium only) to wake the service worker when the network returns; the worker then tells the
 * open pages to sync. The outbox lives with the page's engine, so with every tab closed the wake-up reaches no one
 * and the next app start syncs instead.
 */
async function requestBackgroundSync(): Promise<void> {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  const registration = (await navigator.serviceWorker.getRegistration()) as
    | (ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } })
    | undefined;
  await registration?.sync?.register('truong-an-sync');
}
