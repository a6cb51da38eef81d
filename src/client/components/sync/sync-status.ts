export interface SyncStatusInput {
  online: boolean;
  syncing: boolean;
  progress: { received: number; total: number } | null;
  pendingCount: number;
  /** Photos and signatures waiting to upload (the file queue). */
  pendingFilesCount?: number;
  needsAttentionCount: number;
  lastSyncAt: string | null;
  lastError: string | null;
  needsReauth: boolean;
}

export type SyncTone = 'ok' | 'pending' | 'offline' | 'problem' | 'syncing';

export interface SyncStatusView {
  tone: SyncTone;
  icon: string;
  headline: string;
  /** Counts, shown next to the headline. */
  counts: string[];
  /** One line under the headline: what went wrong, or when the device last synced. */
  detail: string;
  detailIsProblem: boolean;
}

type Translate = (key: string, params?: Record<string, unknown>) => string;

/**
 * What the sync chip says. The order of precedence is what a teacher needs to know first: work in progress,
 * then whether the network is there, then anything that stops their changes reaching the server.
 */
export function describeSyncStatus(
  s: SyncStatusInput,
  t: Translate,
  formatTime: (instant: string) => string,
): SyncStatusView {
  const counts: string[] = [];
  if (s.pendingCount > 0) counts.push(t('common.syncStatus.pending', { count: s.pendingCount }));
  if ((s.pendingFilesCount ?? 0) > 0) counts.push(t('files.queue.pendingCount', { count: s.pendingFilesCount }));
  if (s.needsAttentionCount > 0) counts.push(t('common.syncStatus.attention', { count: s.needsAttentionCount }));

  const lastSync = s.lastSyncAt
    ? t('common.syncStatus.lastSync', { time: formatTime(s.lastSyncAt) })
    : t('common.syncStatus.neverSynced');

  const problem = s.needsReauth ? t('common.syncStatus.reauth') : s.lastError;

  let tone: SyncTone;
  let icon: string;
  let headline: string;
  if (s.syncing) {
    tone = 'syncing';
    icon = 'pi pi-sync pi-spin';
    headline =
      s.progress && s.progress.total > 0
        ? t('common.syncStatus.progress', { received: s.progress.received, total: s.progress.total })
        : t('common.syncStatus.syncing');
  } else if (!s.online) {
    tone = 'offline';
    icon = 'pi pi-ban';
    headline = t('common.syncStatus.offline');
  } else {
    tone =
      problem || s.needsAttentionCount > 0
        ? 'problem'
        : s.pendingCount > 0 || (s.pendingFilesCount ?? 0) > 0
          ? 'pending'
          : 'ok';
    icon =
      tone === 'problem' ? 'pi pi-exclamation-triangle' : tone === 'pending' ? 'pi pi-cloud-upload' : 'pi pi-check-circle';
    headline = t('common.syncStatus.online');
  }

  // Offline, a stale error ("could not reach the server") says nothing new: the headline already does.
  const showProblem = problem !== null && problem !== '' && (s.online || s.needsReauth);
  return {
    tone,
    icon,
    headline,
    counts,
    detail: showProblem ? problem : lastSync,
    detailIsProblem: showProblem,
  };
}
