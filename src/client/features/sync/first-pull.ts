import { computed, ref, watch, type ComputedRef } from 'vue';
import { getAccount } from '../../db/repositories/accounts';
import { getCursor } from '../../db/repositories/pull';
import { useSessionStore } from '../../stores/session';
import { useSyncStore } from '../../stores/sync';
import { getRuntime } from '../../sync/runtime';

const LANGUAGE_TAG = { vi: 'vi-VN', en: 'en-GB' } as const;

/** Whole per cent received; never 100 before the last row is in, so the bar does not look finished too early. */
export function pullPercent(received: number, total: number): number {
  if (total <= 0) return 0;
  const percent = Math.round((Math.min(received, total) / total) * 100);
  return received < total ? Math.min(99, percent) : 100;
}

/** "12.345" in Vietnamese, "12,345" in English. */
export function formatCount(n: number, locale: keyof typeof LANGUAGE_TAG): string {
  return new Intl.NumberFormat(LANGUAGE_TAG[locale], { maximumFractionDigits: 0 }).format(n);
}

/**
 * Remembers, per user, that a first pull into this device finished. It lives next to the interface language in
 * localStorage rather than in the device database because it only decides whether a progress bar is worth showing;
 * the cursor in IndexedDB stays the truth (see useFirstPullProgress), so a wiped database shows the bar again.
 */
export interface FirstPullMarks {
  isDone(userId: string): boolean;
  markDone(userId: string): void;
}

const MARK_PREFIX = 'truongan.firstPullDone.';

export const localFirstPullMarks: FirstPullMarks = {
  isDone(userId) {
    try {
      const storage = globalThis.localStorage;
      return storage !== undefined && storage.getItem(MARK_PREFIX + userId) !== null;
    } catch {
      return false;
    }
  },
  markDone(userId) {
    try {
      globalThis.localStorage?.setItem(MARK_PREFIX + userId, new Date().toISOString());
    } catch {
      // Storage blocked: the bar may show again on a later large pull, which is harmless.
    }
  },
};

export interface FirstPullProgress {
  /** Rows received and expected while this user's first pull runs; null otherwise. */
  progress: ComputedRef<{ received: number; total: number; percent: number } | null>;
}

/**
 * The first pull's progress, for the signed-in user only. A pull counts as complete once a sync that started after
 * this page was opened succeeded with the user still signed in and their cursor stored: a sync that ran in an earlier
 * visit (maybe for another user of a shared tablet) proves nothing, and a pull cut short by an expired sign-in
 * leaves the user flagged for sign-in again.
 */
export function useFirstPullProgress(marks: FirstPullMarks = localFirstPullMarks): FirstPullProgress {
  const sync = useSyncStore();
  const session = useSessionStore();
  const runtime = getRuntime();
  const openedAt = Date.now();
  const userId = computed(() => session.user?.id ?? null);
  const done = ref(true);

  async function check(id: string | null): Promise<void> {
    if (!id) {
      done.value = true;
      return;
    }
    const hasCursor = (await getCursor(id, runtime.db)) !== undefined;
    const lastSync = sync.lastSyncAt ? Date.parse(sync.lastSyncAt) : Number.NaN;
    if (hasCursor && !marks.isDone(id) && lastSync >= openedAt) {
      const account = await getAccount(id, runtime.db);
      if (account && !account.needsReauth) marks.markDone(id);
    }
    if (userId.value === id) done.value = hasCursor && marks.isDone(id);
  }

  // A failed read only leaves the bar as it was: the pull itself, and its errors, belong to the sync chip.
  watch([userId, () => sync.lastSyncAt], ([id]) => void check(id).catch(() => undefined), { immediate: true });

  const progress = computed(() => {
    const p = sync.progress;
    if (!p || done.value || p.total <= 0) return null;
    return { received: p.received, total: p.total, percent: pullPercent(p.received, p.total) };
  });
  return { progress };
}
