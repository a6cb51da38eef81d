import type { MutationResult } from '../../../shared/sync/wire';
import type { EntityName } from '../../../shared/sync/wire';
import { getDb, type TruongAnDb } from '../database';
import { primaryKeyOf, targetOf } from '../keys';
import type { OutboxEntry } from '../schema';

export interface Target {
  entity: EntityName;
  key: string;
}

export function parseTarget(target: string): Target {
  const at = target.indexOf(':');
  return { entity: target.slice(0, at) as EntityName, key: target.slice(at + 1) };
}

/** True while a local change to the row waits in the outbox (pending or rejected): the "chờ đồng bộ" marker. */
export async function isPending(entity: EntityName, key: string, db: TruongAnDb = getDb()): Promise<boolean> {
  return (await db.outbox.where('targets').equals(targetOf(entity, key)).count()) > 0;
}

/** The keys of one entity that have local changes waiting: one query for a whole list (an attendance sheet). */
export async function pendingKeys(entity: EntityName, db: TruongAnDb = getDb()): Promise<Set<string>> {
  const prefix = `${entity}:`;
  const targets = (await db.outbox.where('targets').startsWith(prefix).uniqueKeys()) as string[];
  return new Set(targets.map((t) => t.slice(prefix.length)));
}

export async function countPending(db: TruongAnDb = getDb()): Promise<number> {
  return db.outbox.where('state').equals('pending').count();
}

export async function countRejected(db: TruongAnDb = getDb()): Promise<number> {
  return db.outbox.where('state').equals('rejected').count();
}

/** The "Cần xử lý" list, oldest first. */
export async function listRejected(db: TruongAnDb = getDb()): Promise<OutboxEntry[]> {
  return (await db.outbox.where('state').equals('rejected').toArray()).sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
}

/** Pending entries in the order they were made, grouped by the user who made them. */
export async function pendingByUser(db: TruongAnDb = getDb()): Promise<Map<string, OutboxEntry[]>> {
  const byUser = new Map<string, OutboxEntry[]>();
  await db.outbox.orderBy('seq').each((entry) => {
    if (entry.state !== 'pending') return;
    const list = byUser.get(entry.userId);
    if (list) list.push(entry);
    else byUser.set(entry.userId, [entry]);
  });
  return byUser;
}

export async function countEntriesOf(userId: string, db: TruongAnDb = getDb()): Promise<number> {
  return db.outbox.where('userId').equals(userId).count();
}

/**
 * Writes a local change and its outbox entry in ONE transaction: if either fails, neither is kept, so the screen
 * and the outbox never disagree. Before the first local change to a row, the server's version of it is kept
 * aside (see ServerRow).
 */
export async function recordLocalChange(
  db: TruongAnDb,
  entry: OutboxEntry,
  apply: () => Promise<void>,
): Promise<void> {
  await db.transaction('rw', [...db.entityTables(), db.outbox, db.serverRows], async () => {
    for (const target of entry.targets) {
      const { entity, key } = parseTarget(target);
      if (await db.serverRows.get([entity, key])) continue;
      const before = (await db.entity(entity).get(primaryKeyOf(entity, key) as never)) as
        | Record<string, unknown>
        | undefined;
      await db.serverRows.put({ entity, key, row: before ?? null });
    }
    await apply();
    await db.outbox.add(entry);
  });
}

/**
 * Applies the server's answer to one pushed batch in one transaction. Applied and duplicate entries leave the
 * outbox (the server has them; its row comes back with the next pull, unless the server kept a newer one: see
 * keptRowStands); rejected ones stay, with the reason. Entries the answer does not mention stay pending and are
 * sent again: the server applies an id at most once.
 */
export async function applyPushResults(
  db: TruongAnDb,
  results: readonly MutationResult[],
): Promise<{ done: number; rejected: number }> {
  let done = 0;
  let rejected = 0;
  // The entity tables too: a row the server kept while the change waited is put back in this transaction.
  await db.transaction('rw', [...db.entityTables(), db.outbox, db.serverRows], async () => {
    const released = new Set<string>();
    for (const result of results) {
      const entry = await db.outbox.where('id').equals(result.id).first();
      if (!entry || entry.seq === undefined || entry.state !== 'pending') continue;
      if (result.status === 'rejected') {
        await db.outbox.update(entry.seq, {
          state: 'rejected',
          error: result.error ?? 'Máy chủ từ chối thay đổi này (the server rejected this change)',
          attempts: entry.attempts + 1,
        });
        rejected += 1;
      } else {
        await db.outbox.delete(entry.seq);
        entry.targets.forEach((t) => released.add(t));
        done += 1;
      }
    }
    await forgetServerRows(db, released, 'ifStands');
  });
  return { done, rejected };
}

/** Marks entries rejected without a per-entry answer (a whole batch refused as malformed). */
export async function rejectEntries(db: TruongAnDb, reasons: ReadonlyMap<string, string>): Promise<void> {
  await db.transaction('rw', db.outbox, async () => {
    for (const [id, error] of reasons) {
      const entry = await db.outbox.where('id').equals(id).first();
      if (entry?.seq !== undefined && entry.state === 'pending') {
        await db.outbox.update(entry.seq, { state: 'rejected', error, attempts: entry.attempts + 1 });
      }
    }
  });
}

/**
 * Drops a rejected change for good. The row it changed goes back to what the server is known to have (kept aside
 * when the change was made and refreshed by every pull since), unless another queued change still touches it.
 * This is exact without asking the server again: the pull cursor never re-sends a row that did not change.
 */
export async function discardRejected(db: TruongAnDb, id: string): Promise<boolean> {
  return db.transaction('rw', [...db.entityTables(), db.outbox, db.serverRows], async () => {
    const entry = await db.outbox.where('id').equals(id).first();
    if (!entry || entry.seq === undefined || entry.state !== 'rejected') return false;
    await db.outbox.delete(entry.seq);
    await forgetServerRows(db, new Set(entry.targets), 'always');
    return true;
  });
}

/**
 * Sends a rejected change again, as a new outbox entry at the end of the queue with a new mutation id (the server
 * may have recorded the old id as rejected). `reapply` re-runs the local effect when the arguments were corrected.
 */
export async function requeueRejected(
  db: TruongAnDb,
  id: string,
  replacement: Pick<OutboxEntry, 'id' | 'args' | 'clientTime' | 'targets'>,
  reapply: (() => Promise<void>) | null,
): Promise<boolean> {
  return db.transaction('rw', [...db.entityTables(), db.outbox, db.serverRows], async () => {
    const entry = await db.outbox.where('id').equals(id).first();
    if (!entry || entry.seq === undefined || entry.state !== 'rejected') return false;
    for (const target of replacement.targets) {
      if (entry.targets.includes(target)) continue;
      const { entity, key } = parseTarget(target);
      if (await db.serverRows.get([entity, key])) continue;
      const before = (await db.entity(entity).get(primaryKeyOf(entity, key) as never)) as
        | Record<string, unknown>
        | undefined;
      await db.serverRows.put({ entity, key, row: before ?? null });
    }
    await db.outbox.delete(entry.seq);
    if (reapply) await reapply();
    const { seq: _seq, error: _error, ...rest } = entry;
    await db.outbox.add({ ...rest, ...replacement, state: 'pending', attempts: 0 });
    await forgetServerRows(db, new Set(entry.targets.filter((t) => !replacement.targets.includes(t))), 'always');
    return true;
  });
}

/**
 * Forgets the kept-aside server rows of targets no queued change touches any more. 'always' restores them first
 * (the local change is dropped); 'ifStands' restores those the server still holds after acknowledging the change.
 */
async function forgetServerRows(db: TruongAnDb, targets: Set<string>, restore: 'always' | 'ifStands'): Promise<void> {
  for (const target of targets) {
    if ((await db.outbox.where('targets').equals(target).count()) > 0) continue;
    const { entity, key } = parseTarget(target);
    const kept = await db.serverRows.get([entity, key]);
    if (kept) {
      const table = db.entity(entity);
      const pk = primaryKeyOf(entity, key) as never;
      if (restore === 'always') {
        if (kept.row) await table.put(kept.row as never);
        else await table.delete(pk);
      } else if (kept.row && keptRowStands(entity, kept.row, (await table.get(pk)) as Record<string, unknown> | undefined)) {
        await table.put(kept.row as never);
      }
    }
    await db.serverRows.delete([entity, key]);
  }
}

/**
 * Whether the server's row kept aside is still the server's row once it has acknowledged the local change to it.
 * Attendance is a fact at a time and the server keeps the latest observation: a local mark older than one made on
 * another device (and pulled while the local mark waited) is recorded in the history but leaves the server's row
 * as it was, so that row is never sent again and must be put back here. On equal times the later write won; if it
 * was the local mark, its new version comes with the next pull and corrects this. Any other acknowledged change
 * gives the row a new version, which the next pull brings.
 */
function keptRowStands(entity: EntityName, kept: Record<string, unknown>, local: Record<string, unknown> | undefined): boolean {
  if (entity !== 'attendance') return false;
  if (!local) return true;
  return String(kept.markedAt) >= String(local.markedAt);
}
