import { liveQuery, type Subscription } from 'dexie';
import { defineStore } from 'pinia';
import { computed, onScopeDispose, ref, shallowRef } from 'vue';
import { countPending, countRejected, listRejected } from '../db/repositories/outbox';
import type { OutboxEntry } from '../db/schema';
import type { SyncProblem, SyncStatus } from '../sync/engine';
import { loadTranslator, syncMessage } from '../sync/messages';
import { getRuntime } from '../sync/runtime';
import { countPendingFiles } from '../files/file-queue';

/** The sync status bar and the "Cần xử lý" list: everything here is display-ready or a plain count. */
export const useSyncStore = defineStore('sync', () => {
  const runtime = getRuntime();
  const status = shallowRef<SyncStatus>(runtime.engine.getStatus());
  const pendingCount = ref(0);
  const pendingFilesCount = ref(0);
  const needsAttentionCount = ref(0);
  const needsAttention = shallowRef<OutboxEntry[]>([]);

  const subscriptions: (Subscription | (() => void))[] = [
    runtime.engine.subscribe((next) => {
      status.value = next;
    }),
    liveQuery(() => countPending(runtime.db)).subscribe({ next: (n) => (pendingCount.value = n) }),
    liveQuery(() => countPendingFiles(runtime.db)).subscribe({ next: (n) => (pendingFilesCount.value = n) }),
    liveQuery(() => countRejected(runtime.db)).subscribe({ next: (n) => (needsAttentionCount.value = n) }),
    liveQuery(() => listRejected(runtime.db)).subscribe({ next: (list) => (needsAttention.value = list) }),
  ];
  onScopeDispose(() => {
    for (const s of subscriptions) {
      if (typeof s === 'function') s();
      else s.unsubscribe();
    }
  });

  const online = computed(() => status.value.online);
  const syncing = computed(() => status.value.syncing);
  const lastSyncAt = computed(() => status.value.lastSyncAt);
  const progress = computed(() => status.value.progress);
  const lastError = computed(() => describeProblem(status.value.problem));
  const updateRequired = computed(() => status.value.problem?.kind === 'updateRequired');

  async function start(): Promise<void> {
    await loadTranslator();
    await runtime.engine.start();
  }

  async function syncNow(): Promise<void> {
    await loadTranslator();
    await runtime.engine.syncNow();
  }

  /** Sends a rejected change again, with corrected arguments if given (they are validated first). */
  async function retryRejected(id: string, fixedArgs?: unknown): Promise<void> {
    await runtime.engine.retryRejected(id, fixedArgs);
  }

  /** Drops a rejected change; the device shows the server's version of the row again. */
  async function discardRejected(id: string): Promise<void> {
    await runtime.engine.discardRejected(id);
  }

  return {
    online,
    syncing,
    pendingCount,
    pendingFilesCount,
    needsAttentionCount,
    needsAttention,
    lastSyncAt,
    lastError,
    progress,
    updateRequired,
    start,
    syncNow,
    retryRejected,
    discardRejected,
  };
});

export function describeProblem(problem: SyncProblem | null): string | null {
  if (!problem) return null;
  switch (problem.kind) {
    case 'network':
      return syncMessage('errorNetwork', { seconds: Math.max(1, Math.round(problem.retryInMs / 1000)) });
    case 'server':
      return syncMessage('errorServer', {
        status: problem.status,
        seconds: Math.max(1, Math.round(problem.retryInMs / 1000)),
      });
    case 'updateRequired':
      return syncMessage('errorUpdateRequired');
    case 'reauth':
      return syncMessage('errorReauth', { names: problem.names.join(', ') });
    case 'invalidRows':
      return syncMessage('errorInvalidRows', { count: problem.count });
    case 'unknown':
      return syncMessage('errorUnknown', { detail: problem.detail });
  }
}
