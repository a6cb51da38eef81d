import { onMounted, ref, type Ref } from 'vue';
import {
  isQuotaError,
  readStorageStatus,
  requestPersistentStorage,
  type StorageLike,
  type StorageStatus,
} from '../../pwa/storage';

export type PersistAnswer = 'granted' | 'denied';

export interface StorageStatusState {
  status: Ref<StorageStatus | null>;
  /** Why the figures could not be read or the request failed, in the browser's words; never swallowed. */
  error: Ref<{ quota: boolean; detail: string } | null>;
  /** The browser's answer to the last "keep the data" request made from this page. */
  persistAnswer: Ref<PersistAnswer | null>;
  busy: Ref<boolean>;
  refresh: () => Promise<void>;
  askPersist: () => Promise<void>;
}

/**
 * The device storage shown on the settings page: read when the page opens and again on request. `storage` defaults
 * to navigator.storage at call time, so tests can put a fake there.
 */
export function useStorageStatus(storage?: () => StorageLike | undefined): StorageStatusState {
  const status = ref<StorageStatus | null>(null);
  const error = ref<{ quota: boolean; detail: string } | null>(null);
  const persistAnswer = ref<PersistAnswer | null>(null);
  const busy = ref(false);
  const source = (): StorageLike | undefined => (storage ? storage() : globalThis.navigator?.storage);

  function fail(e: unknown): void {
    error.value = { quota: isQuotaError(e), detail: e instanceof Error && e.message ? e.message : String(e) };
  }

  async function refresh(): Promise<void> {
    try {
      status.value = await readStorageStatus(source());
      error.value = null;
    } catch (e) {
      fail(e);
    }
  }

  async function askPersist(): Promise<void> {
    busy.value = true;
    try {
      persistAnswer.value = (await requestPersistentStorage(source())) ? 'granted' : 'denied';
      await refresh();
    } catch (e) {
      fail(e);
    } finally {
      busy.value = false;
    }
  }

  onMounted(() => void refresh());
  return { status, error, persistAnswer, busy, refresh, askPersist };
}
