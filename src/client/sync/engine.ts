import { MUTATIONS, type MutationName } from '../../shared/sync/mutations';
import {
  DEFAULT_PULL_LIMIT,
  DEFAULT_PUSH_BATCH,
  MAX_PUSH_BATCH,
  SCHEMA_VERSION,
  type MutationEnvelope,
} from '../../shared/sync/wire';
import { describeIssues } from '../../shared/validation';
import { newId as makeId } from '../../shared/domain/ids';
import { ApiError, NetworkError, type ApiClient } from '../api';
import type { TruongAnDb } from '../db/database';
import { listAccounts, updateAccount } from '../db/repositories/accounts';
import { getDeviceId, getMeta, setMeta, syncClientId } from '../db/repositories/meta';
import {
  applyPushResults,
  discardRejected as discardRejectedEntry,
  pendingByUser,
  rejectEntries,
  requeueRejected,
  usersWithPending,
} from '../db/repositories/outbox';
import { applyPullPage, getCursor } from '../db/repositories/pull';
import type { DeviceAccount, OutboxEntry } from '../db/schema';
import { refreshIfDue, tokenUsable } from './accounts';
import { applierFor } from './appliers';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
import { createSyncLock, type SyncLock } from './lock';
import { SyncMessageError } from './messages';
import { correctedNow } from './clock';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

interface EventSource {
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
}

export interface SyncEngineOptions {
  db: TruongAnDb;
  api: ApiClient;
  /** The signed-in user: only their scope is pulled (other accounts on the device only push). */
  currentUserId: () => string | null;
  now?: () => number;
  random?: () => number;
  timers?: Timers;
  isOnline?: () => boolean;
  /** Where `online` / `offline` events come from (the window). */
  connectivity?: EventSource | null;
  /** Where the service worker's `{ type: 'sync' }` message comes from (navigator.serviceWorker). */
  serviceWorker?: EventSource | null;
  /** Asks the service worker for a Background Sync, so changes go out even after the tab is closed. */
  requestBackgroundSync?: (() => Promise<void>) | null;
  lock?: SyncLock;
  newId?: () => string;
  /** Changes per push while the queue is short. */
  pushBatchSize?: number;
  /**
   * Changes per push while more wait than one ordinary batch holds (10,000 marks queued offline): fewer round trips
   * and transactions. Defaults to the wire's maximum, or to `pushBatchSize` when only that is given.
   */
  maxPushBatchSize?: number;
  pullLimit?: number;
  intervalMs?: number;
  debounceMs?: number;
  /** The longest a burst of changes may hold the sync back. */
  maxDebounceMs?: number;
  backoff?: BackoffPolicy;
  /**
   * Uploads the device's queued files (src/client/files/file-queue.ts) with each user's usable token, after the push
   * and pull of every sync. Null or absent: files are not this engine's job (tests of the outbox alone).
   */
  uploadFiles?: ((tokens: ReadonlyMap<string, string>) => Promise<unknown>) | null;
}

/** Why the last sync did not fully succeed; the store turns it into a sentence. */
export type SyncProblem =
  | { kind: 'network'; retryInMs: number }
  | { kind: 'server'; status: number; retryInMs: number }
  | { kind: 'updateRequired' }
  | { kind: 'reauth'; names: string[] }
  | { kind: 'invalidRows'; count: number }
  | { kind: 'unknown'; detail: string };

export interface SyncStatus {
  online: boolean;
  syncing: boolean;
  lastSyncAt: string | null;
  problem: SyncProblem | null;
  /** Rows received in the pull under way, against the total expected: the first pull's progress bar. */
  progress: { received: number; total: number } | null;
  /** Failures in a row; 0 after a success. */
  failures: number;
  /** Milliseconds until the scheduled retry, when one is scheduled after a failure. */
  retryInMs: number | null;
}

export interface SyncOutcome {
  status: 'ok' | 'offline' | 'busy' | 'failed' | 'updateRequired';
  pushed: number;
  rejected: number;
  pulled: number;
  skipped: number;
  invalid: number;
}

class UpdateRequired extends Error {}

const DEFAULT_TIMERS: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * The sync engine: pushes every account's outbox with that account's token, pulls the signed-in user's scope, and
 * decides when to do it again. Plain TypeScript, every dependency injectable, so tests drive it with a fake server,
 * a fake clock and fake timers.
 */
export class SyncEngine {
  private readonly db: TruongAnDb;
  private readonly api: ApiClient;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly timers: Timers;
  private readonly isOnline: () => boolean;
  private readonly lock: SyncLock;
  private readonly newId: () => string;
  private readonly pushBatchSize: number;
  private readonly maxPushBatchSize: number;
  private readonly pullLimit: number;
  private readonly intervalMs: number;
  private readonly debounceMs: number;
  private readonly maxDebounceMs: number;
  private burstStartedAt = 0;
  private readonly backoff: BackoffPolicy;

  private status: SyncStatus;
  private readonly listeners = new Set<(status: SyncStatus) => void>();
  private inFlight: Promise<SyncOutcome> | null = null;
  private again = false;
  private started = false;
  private updateRequired = false;
  private retryTimer: unknown = null;
  private intervalTimer: unknown = null;
  private debounceTimer: unknown = null;
  private readonly detach: (() => void)[] = [];

  constructor(private readonly options: SyncEngineOptions) {
    this.db = options.db;
    this.api = options.api;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.timers = options.timers ?? DEFAULT_TIMERS;
    this.isOnline = options.isOnline ?? (() => (typeof navigator === 'undefined' ? true : navigator.onLine));
    this.lock = options.lock ?? createSyncLock();
    this.newId = options.newId ?? makeId;
    this.pushBatchSize = Math.min(options.pushBatchSize ?? DEFAULT_PUSH_BATCH, MAX_PUSH_BATCH);
    this.maxPushBatchSize = Math.min(
      Math.max(options.maxPushBatchSize ?? options.pushBatchSize ?? MAX_PUSH_BATCH, this.pushBatchSize),
      MAX_PUSH_BATCH,
    );
    this.pullLimit = options.pullLimit ?? DEFAULT_PULL_LIMIT;
    this.intervalMs = options.intervalMs ?? 60_000;
    this.debounceMs = options.debounceMs ?? 3_000;
    this.maxDebounceMs = Math.max(this.debounceMs, options.maxDebounceMs ?? 5_000);
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.status = {
      online: this.isOnline(),
      syncing: false,
      lastSyncAt: null,
      problem: null,
      progress: null,
      failures: 0,
      retryInMs: null,
    };
  }

  getStatus(): SyncStatus {
    return this.status;
  }

  subscribe(listener: (status: SyncStatus) => void): () => void {
    this.listeners.add(listener);
    listener(this.status);
    return () => this.listeners.delete(listener);
  }

  /** Attaches the triggers (online event, timer, service worker message) and syncs; once started, just syncs. */
  async start(): Promise<void> {
    if (this.started) {
      await this.syncNow();
      return;
    }
    this.started = true;
    const lastSyncAt = await getMeta<string>('lastSyncAt', this.db);
    this.updateRequired = (await getMeta<number>('updateRequired', this.db)) === SCHEMA_VERSION;
    this.setStatus({
      lastSyncAt: lastSyncAt ?? null,
      problem: this.updateRequired ? { kind: 'updateRequired' } : null,
    });

    const { connectivity, serviceWorker } = this.options;
    const connectivitySource = connectivity === undefined ? (typeof window === 'undefined' ? null : window) : connectivity;
    if (connectivitySource) {
      const onOnline = (): void => {
        this.setStatus({ online: true });
        // The network is back: whatever failed before is worth trying now, not after the backoff.
        this.cancelRetry();
        void this.syncNow();
      };
      const onOffline = (): void => this.setStatus({ online: false });
      connectivitySource.addEventListener('online', onOnline);
      connectivitySource.addEventListener('offline', onOffline);
      this.detach.push(() => {
        connectivitySource.removeEventListener('online', onOnline);
        connectivitySource.removeEventListener('offline', onOffline);
      });
    }
    const workerSource =
      serviceWorker === undefined
        ? typeof navigator !== 'undefined' && 'serviceWorker' in navigator
          ? navigator.serviceWorker
          : null
        : serviceWorker;
    if (workerSource) {
      const onMessage = (event: Event): void => {
        const data = (event as MessageEvent).data as { type?: unknown } | null;
        // While changes are still being made, the debounce syncs once they pause; the worker's wake-up is for a page
        // that has nothing else due.
        if (data?.type === 'sync' && this.debounceTimer === null) void this.syncNow();
      };
      workerSource.addEventListener('message', onMessage);
      this.detach.push(() => workerSource.removeEventListener('message', onMessage));
    }
    this.scheduleInterval();
    await this.syncNow();
  }

  stop(): void {
    this.started = false;
    this.detach.splice(0).forEach((fn) => fn());
    for (const handle of [this.retryTimer, this.intervalTimer, this.debounceTimer]) {
      if (handle !== null) this.timers.clearTimeout(handle);
    }
    this.retryTimer = this.intervalTimer = this.debounceTimer = null;
  }

  /**
   * A change was written locally: sync shortly, once, however many changes follow in the meantime. The Background
   * Sync is asked for once a burst of changes (the first change, or any change made offline), not on every tap: the
   * browser answers it at once while online, which would start a whole sync per tap.
   */
  notifyLocalChange(): void {
    const burstStarts = this.debounceTimer === null;
    if (burstStarts) this.burstStartedAt = this.now();
    if (this.debounceTimer !== null) this.timers.clearTimeout(this.debounceTimer);
    // Each change pushes the sync back by debounceMs, but never past maxDebounceMs from the first change of a burst:
    // a teacher tapping through a whole school online must not grow the outbox (and every query over it) for minutes.
    const delay = Math.max(0, Math.min(this.debounceMs, this.burstStartedAt + this.maxDebounceMs - this.now()));
    this.debounceTimer = this.timers.setTimeout(() => {
      this.debounceTimer = null;
      void this.syncNow();
    }, delay);
    if (burstStarts || !this.isOnline()) void this.options.requestBackgroundSync?.().catch(() => undefined);
  }

  /**
   * Syncs now. A call while a sync runs waits for it and then runs once more (a change made during a push must not
   * wait for the timer).
   */
  syncNow(): Promise<SyncOutcome> {
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    this.inFlight = this.runExclusive().finally(() => {
      this.inFlight = null;
      if (this.again) {
        this.again = false;
        void this.syncNow();
      }
    });
    return this.inFlight;
  }

  /**
   * Sends a rejected change again, optionally with corrected arguments (validated and applied locally again).
   * It goes to the end of the queue under a new mutation id.
   */
  async retryRejected(id: string, fixedArgs?: unknown): Promise<boolean> {
    const entry = await this.db.outbox.where('id').equals(id).first();
    if (!entry || entry.state !== 'rejected') return false;
    const name = entry.name as MutationName;
    let args = entry.args;
    let reapply: (() => Promise<void>) | null = null;
    let clientTime = entry.clientTime;
    const applier = applierFor(name);
    if (fixedArgs !== undefined) {
      const parsed = MUTATIONS[name].safeParse(fixedArgs);
      if (!parsed.success) {
        const fields = describeIssues(parsed.error);
        throw new SyncMessageError('invalidChange', { detail: fields.map((f) => `${f.field}: ${f.message}`).join('; ') }, fields);
      }
      args = parsed.data;
      // A corrected change is a new observation, made now.
      clientTime = await correctedNow(this.db, this.now);
      const userId = entry.userId;
      const at = clientTime;
      reapply = () => applier.apply(parsed.data as never, { db: this.db, userId, clientTime: at });
    }
    const done = await requeueRejected(
      this.db,
      id,
      { id: this.newId(), args, clientTime, targets: applier.targets(args as never) },
      reapply,
    );
    if (done) this.notifyLocalChange();
    return done;
  }

  /**
   * Drops a rejected change; the rows it touched go back to the server's version kept on the device
   * (see discardRejected in the outbox repository).
   */
  async discardRejected(id: string): Promise<boolean> {
    return discardRejectedEntry(this.db, id);
  }

  private async runExclusive(): Promise<SyncOutcome> {
    const empty: SyncOutcome = { status: 'ok', pushed: 0, rejected: 0, pulled: 0, skipped: 0, invalid: 0 };
    const online = this.isOnline();
    this.setStatus({ online });
    if (!online) return { ...empty, status: 'offline' };
    if (this.updateRequired) return { ...empty, status: 'updateRequired' };
    const result = await this.lock.run(async () => {
      this.setStatus({ syncing: true });
      try {
        return await this.cycle();
      } finally {
        this.setStatus({ syncing: false, progress: null });
      }
    });
    return result.acquired ? result.value : { ...empty, status: 'busy' };
  }

  private async cycle(): Promise<SyncOutcome> {
    const outcome: SyncOutcome = { status: 'ok', pushed: 0, rejected: 0, pulled: 0, skipped: 0, invalid: 0 };
    try {
      const deviceId = await getDeviceId(this.db);
      const accounts = new Map<string, DeviceAccount>();
      for (const account of await listAccounts(this.db)) {
        const refreshed = await refreshIfDue({ db: this.db, api: this.api, now: this.now }, account.userId);
        if (refreshed) accounts.set(refreshed.userId, refreshed);
      }
      await this.push(deviceId, accounts, outcome);
      const userId = this.options.currentUserId();
      const current = userId ? accounts.get(userId) : undefined;
      if (tokenUsable(current, this.now())) await this.pull(deviceId, current, outcome);
      else if (current?.token && !current.needsReauth) await this.flagReauth(current, accounts);
      // Files go after the rows: a photo's bytes must not hold back the marks and records waiting on the device.
      if (this.options.uploadFiles) {
        const tokens = new Map<string, string>();
        for (const account of accounts.values()) {
          if (tokenUsable(account, this.now())) tokens.set(account.userId, account.token);
        }
        await this.options.uploadFiles(tokens);
      }

      const lastSyncAt = new Date(this.now()).toISOString();
      await setMeta('lastSyncAt', lastSyncAt, this.db);
      this.cancelRetry();
      const problem = await this.problemAfterSuccess(outcome);
      await setMeta('lastError', problem, this.db);
      this.setStatus({ lastSyncAt, failures: 0, retryInMs: null, problem });
      return outcome;
    } catch (error) {
      if (error instanceof UpdateRequired) {
        this.updateRequired = true;
        await setMeta('updateRequired', SCHEMA_VERSION, this.db);
        this.setStatus({ problem: { kind: 'updateRequired' } });
        return { ...outcome, status: 'updateRequired' };
      }
      const problem = this.scheduleRetry(error);
      await setMeta('lastError', problem, this.db).catch(() => undefined);
      return { ...outcome, status: 'failed' };
    }
  }

  private async push(deviceId: string, accounts: Map<string, DeviceAccount>, outcome: SyncOutcome): Promise<void> {
    for (const [userId, entries] of await pendingByUser(this.db)) {
      const account = accounts.get(userId);
      // No usable token: this user's changes wait on the device until they sign in again.
      if (!tokenUsable(account, this.now())) {
        if (account?.token && !account.needsReauth) await this.flagReauth(account, accounts);
        continue;
      }
      // A refused oversized request (413) halves this for the rest of the queue.
      let limit = this.maxPushBatchSize;
      let queue = entries;
      const take = (from: readonly OutboxEntry[]): OutboxEntry[] =>
        from.slice(0, Math.min(limit, from.length > this.pushBatchSize ? this.maxPushBatchSize : this.pushBatchSize));
      const send = (batch: OutboxEntry[]) => {
        const started = this.now();
        const request = this.api
          .push(account.token, {
            clientId: syncClientId(deviceId, userId),
            schemaVersion: SCHEMA_VERSION,
            mutations: batch.map(envelope),
          })
          .then((response) => ({ response, started }));
        // Awaited in its turn below; until then a failure must not count as unhandled.
        request.catch(() => undefined);
        return request;
      };
      let batch = take(queue);
      let inFlight = batch.length > 0 ? send(batch) : null;
      while (inFlight) {
        try {
          const { response, started } = await inFlight;
          // The next batch goes out while this one's answer is written to the device: the server and IndexedDB work
          // at the same time. Requests stay one after another, in outbox order.
          const rest = queue.slice(batch.length);
          const next = take(rest);
          inFlight = next.length > 0 ? send(next) : null;
          // The clock offset is written with the answer, in its transaction: one transaction per batch.
          const { done, rejected } = await applyPushResults(this.db, response.results, batch, {
            clockOffsetMs: this.clockOffset(response.serverTime, started),
          });
          outcome.pushed += done;
          outcome.rejected += rejected;
          queue = rest;
          batch = next;
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          if (error.status === 426) throw new UpdateRequired();
          if (error.status === 401) {
            await this.flagReauth(account, accounts);
            break;
          }
          if (error.status === 429 || error.status === 408 || error.status >= 500) throw error;
          if (error.status === 413 && batch.length > 1) {
            limit = Math.ceil(batch.length / 2);
          } else {
            // The batch itself was refused (malformed, forbidden): the entries it names, or else all of them, go to
            // "Cần xử lý" with the server's reason rather than blocking the queue forever; the others are sent again.
            const reasons = batchReasons(batch, error);
            await rejectEntries(this.db, reasons);
            outcome.rejected += reasons.size;
            queue = queue.filter((entry) => !reasons.has(entry.id));
          }
          batch = take(queue);
          inFlight = batch.length > 0 ? send(batch) : null;
        }
      }
    }
  }

  private async pull(deviceId: string, account: DeviceAccount & { token: string }, outcome: SyncOutcome): Promise<void> {
    const clientId = syncClientId(deviceId, account.userId);
    let cursor = await getCursor(account.userId, this.db);
    let received = 0;
    for (;;) {
      const started = this.now();
      let page;
      try {
        page = await this.api.pull(account.token, { cursor, limit: this.pullLimit, clientId });
      } catch (error) {
        if (error instanceof ApiError && error.status === 426) throw new UpdateRequired();
        if (error instanceof ApiError && error.status === 401) {
          await this.flagReauth(account, new Map());
          return;
        }
        throw error;
      }
      await this.learnClock(page.serverTime, started);
      const applied = await applyPullPage(this.db, account.userId, page.changes, page.cursor);
      outcome.pulled += applied.applied;
      outcome.skipped += applied.skipped;
      outcome.invalid += applied.invalid;
      received += page.changes.length;
      const expected = page.remaining ?? (page.hasMore ? this.pullLimit : 0);
      this.setStatus({ progress: page.hasMore ? { received, total: received + expected } : null });
      // A server that says "more" without moving the cursor would loop forever; stop and try next time.
      if (!page.hasMore || page.cursor === cursor) break;
      cursor = page.cursor;
    }
  }

  private async flagReauth(
    account: DeviceAccount,
    accounts: Map<string, DeviceAccount>,
  ): Promise<DeviceAccount> {
    await updateAccount(account.userId, { needsReauth: true }, this.db);
    const flagged = { ...account, needsReauth: true };
    accounts.set(account.userId, flagged);
    return flagged;
  }

  private async learnClock(serverTime: string, started: number): Promise<void> {
    const offset = this.clockOffset(serverTime, started);
    if (offset !== null) await setMeta('clockOffsetMs', offset, this.db);
  }

  /** offset = serverTime − the request's midpoint: the server stamped its time about halfway through the round trip. */
  private clockOffset(serverTime: string, started: number): number | null {
    const server = Date.parse(serverTime);
    if (!Number.isFinite(server)) return null;
    const midpoint = (started + this.now()) / 2;
    return Math.round(server - midpoint);
  }

  private async problemAfterSuccess(outcome: SyncOutcome): Promise<SyncProblem | null> {
    const waiting = await usersWithPending(this.db);
    const current = this.options.currentUserId();
    const names = (await listAccounts(this.db))
      .filter((a) => (a.needsReauth || !a.token) && (waiting.has(a.userId) || (a.userId === current && a.needsReauth)))
      .map((a) => a.user.displayName);
    if (names.length > 0) return { kind: 'reauth', names };
    if (outcome.invalid > 0) return { kind: 'invalidRows', count: outcome.invalid };
    return null;
  }

  private scheduleRetry(error: unknown): SyncProblem {
    const delay = backoffDelay(this.status.failures, this.random, this.backoff);
    let problem: SyncProblem;
    if (error instanceof NetworkError) problem = { kind: 'network', retryInMs: delay };
    else if (error instanceof ApiError) problem = { kind: 'server', status: error.status, retryInMs: delay };
    else problem = { kind: 'unknown', detail: error instanceof Error ? error.message : String(error) };
    this.cancelRetry();
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null;
      void this.syncNow();
    }, delay);
    this.setStatus({ failures: this.status.failures + 1, retryInMs: delay, problem });
    return problem;
  }

  private cancelRetry(): void {
    if (this.retryTimer !== null) this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private scheduleInterval(): void {
    if (!this.started) return;
    this.intervalTimer = this.timers.setTimeout(() => {
      this.intervalTimer = null;
      // While a retry is scheduled the backoff decides, so the timer does not defeat it.
      if (this.isOnline() && this.retryTimer === null) void this.syncNow();
      this.scheduleInterval();
    }, this.intervalMs);
  }

  private setStatus(changes: Partial<SyncStatus>): void {
    this.status = { ...this.status, ...changes };
    for (const listener of this.listeners) listener(this.status);
  }
}

function envelope(entry: OutboxEntry): MutationEnvelope {
  return { id: entry.id, name: entry.name, args: entry.args, clientTime: entry.clientTime };
}

/** Per-entry reasons from a refused batch: the entries its fields name ("mutations.<index>…"), else all of them. */
function batchReasons(batch: OutboxEntry[], error: ApiError): Map<string, string> {
  const reasons = new Map<string, string>();
  for (const field of error.fields ?? []) {
    const match = /^mutations\.(\d+)/.exec(field.field);
    const entry = match ? batch[Number(match[1])] : undefined;
    if (entry && !reasons.has(entry.id)) reasons.set(entry.id, `${field.message} (${field.field})`);
  }
  if (reasons.size === 0) for (const entry of batch) reasons.set(entry.id, error.message);
  return reasons;
}
