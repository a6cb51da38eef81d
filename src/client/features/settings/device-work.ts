import type { DeviceAccount, OutboxEntry } from '../../db/schema';

/** The unsynced work of one account on this device: what the settings page lists. */
export interface AccountWork {
  userId: string;
  /** null: the account is no longer on the device (its changes still are, and still count). */
  displayName: string | null;
  pending: number;
  rejected: number;
  /** When the oldest change still waiting was made (device time corrected by the server's clock). */
  oldestPendingAt: string | null;
  current: boolean;
  /** Signed out: the changes wait for this user's next sign-in. */
  signedOut: boolean;
  needsReauth: boolean;
}

/**
 * Groups the outbox by the account that made each change. Every account with changes waiting is listed, and the
 * current user always, so a teacher sees "0" for themselves rather than nothing; the current user comes first, the
 * others in Vietnamese name order.
 */
export function summariseDeviceWork(
  accounts: readonly DeviceAccount[],
  pendingByUser: ReadonlyMap<string, readonly OutboxEntry[]>,
  rejected: readonly OutboxEntry[],
  currentUserId: string | null,
): AccountWork[] {
  const byId = new Map(accounts.map((a) => [a.userId, a]));
  const rejectedByUser = new Map<string, number>();
  for (const entry of rejected) rejectedByUser.set(entry.userId, (rejectedByUser.get(entry.userId) ?? 0) + 1);
  const userIds = new Set<string>([...pendingByUser.keys(), ...rejectedByUser.keys()]);
  if (currentUserId) userIds.add(currentUserId);

  const rows = [...userIds].map((userId): AccountWork => {
    const account = byId.get(userId);
    const pending = pendingByUser.get(userId) ?? [];
    return {
      userId,
      displayName: account?.user.displayName ?? null,
      pending: pending.length,
      rejected: rejectedByUser.get(userId) ?? 0,
      oldestPendingAt: oldest(pending),
      current: userId === currentUserId,
      signedOut: account !== undefined && account.token === null,
      needsReauth: account?.needsReauth ?? false,
    };
  });
  return rows.sort(
    (a, b) =>
      Number(b.current) - Number(a.current) || (a.displayName ?? '\uffff').localeCompare(b.displayName ?? '\uffff', 'vi'),
  );
}

function oldest(entries: readonly OutboxEntry[]): string | null {
  let best: { at: number; iso: string } | null = null;
  for (const entry of entries) {
    const at = Date.parse(entry.clientTime);
    if (Number.isFinite(at) && (best === null || at < best.at)) best = { at, iso: entry.clientTime };
  }
  return best?.iso ?? null;
}
