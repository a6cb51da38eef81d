import type { IndexableType, Table } from 'dexie';
import type { MutationResult } from '../../../shared/sync/wire';
import type { EntityName } from '../../../shared/sync/wire';
import { getDb, type TruongAnDb } from '../database';
import { primaryKeyOf, targetOf } from '../keys';
import type { OutboxEntry, ServerRow } from '../schema';

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

/**
 * The keys of one entity that have local changes waiting: one query for a whole list (an attendance sheet).
 * `keyPrefix` narrows it to keys that start with it (one session's marks: `${sessionId}:`), read from the `targets`
 * index alone, so that a sheet's query costs the same however many other sessions wait in the outbox.
 */
export async function pendingKeys(entity: EntityName, db: TruongAnDb = getDb(), keyPrefix = ''): Promise<Set<string>> {
  const prefix = targetOf(entity, keyPrefix);
  const entityPrefix = targetOf(entity, '');
  // The entries in the index's range, read in one request: walking the index's keys with a cursor is one round trip
  // per key, and a sheet with 2,000 marks waiting re-reads them after every pushed batch.
  const keys = new Set<string>();
  for (const entry of await db.outbox.where('targets').startsWith(prefix).toArray()) {
    for (const target of entry.targets) if (target.startsWith(prefix)) keys.add(target.slice(entityPrefix.length));
  }
  return keys;
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
  // One read of the whole outbox rather than a cursor step per entry: ten thousand marks queued offline are read in
  // one go.
  for (const entry of await db.outbox.orderBy('seq').toArray()) {
    if (entry.state !== 'pending') continue;
    const list = byUser.get(entry.userId);
    if (list) list.push(entry);
    else byUser.set(entry.userId, [entry]);
  }
  return byUser;
}

/** The users with at least one pending change, without reading their entries. */
export async function usersWithPending(db: TruongAnDb = getDb()): Promise<Set<string>> {
  const users = new Set<string>();
  for (const userId of (await db.outbox.orderBy('userId').uniqueKeys()) as string[]) {
    const pending = await db.outbox
      .where('userId')
      .equals(userId)
      .and((entry) => entry.state === 'pending')
      .first();
    if (pending) users.add(userId);
  }
  return users;
}

export async function countEntriesOf(userId: string, db: TruongAnDb = getDb()): Promise<number> {
  return db.outbox.where('userId').equals(userId).count();
}

/**
 * Writes local changes and their outbox entries in ONE transaction, with bulk reads and writes: if anything fails,
 * nothing is kept, so the screen and the outbox never disagree, and a group of 2,000 marks commits at once (a reload
 * cannot keep half of it). Before the first local change to a row, the server's version of it is kept aside (see
 * ServerRow). `read` reads what the change needs first (the clock), `change` applies the local effects inside the
 * transaction and returns the entries, which keep their order in the outbox.
 */
export async function recordLocalChanges<T>(
  db: TruongAnDb,
  targets: ReadonlySet<string>,
  read: () => Promise<T>,
  change: (read: T) => Promise<readonly OutboxEntry[]>,
): Promise<void> {
  await db.transaction('rw', localChangeTables(db), async () => {
    // `read` (the clock offset) goes out with the kept-aside rows' reads: one round trip for both.
    const [value, created] = await Promise.all([read(), keepServerRows(db, targets)]);
    const entries = await change(value);
    if (entries.length > 0) await db.outbox.bulkAdd(markCreated(entries, created));
  });
}

/** Each created target is recorded on the first entry that targets it: the entry that created the row. */
function markCreated(entries: readonly OutboxEntry[], created: ReadonlySet<string>): OutboxEntry[] {
  if (created.size === 0) return [...entries];
  const unclaimed = new Set(created);
  return entries.map((entry) => {
    const mine = entry.targets.filter((t) => unclaimed.delete(t));
    if (mine.length === 0) return entry;
    return { ...entry, created: [...new Set([...(entry.created ?? []), ...mine])] };
  });
}

/**
 * The tables a local change may touch: the entity rows, the outbox, the kept-aside server rows and the clock offset
 * (read inside the same transaction, so that one change costs one transaction).
 */
export function localChangeTables(db: TruongAnDb): Table[] {
  return [...db.entityTables(), db.outbox, db.serverRows, db.meta];
}

/**
 * Keeps aside the server's version of each target that has none kept yet and no change waiting (a target with
 * changes waiting and nothing kept was created by one of them): what discarding the local change puts back. A
 * target with no row at all is not kept but returned: the change creates it, and its entry records that (a
 * kept-aside "no row" cost a write now and a read and a delete per row when the push is acknowledged). The reads go
 * out together, whatever the number of targets; one bulk write. Runs inside the caller's transaction.
 */
async function keepServerRows(
  db: TruongAnDb,
  targets: ReadonlySet<string>,
  except: ReadonlySet<string> = new Set(),
): Promise<Set<string>> {
  const wanted = [...targets].filter((t) => !except.has(t)).map(parseTarget);
  const created = new Set<string>();
  if (wanted.length === 0) return created;
  const byEntity = groupByEntity(wanted);
  const [already, queued, locals] = await Promise.all([
    db.serverRows.bulkGet(wanted.map(({ entity, key }) => [entity, key] as [string, string])),
    queuedTargets(db, wanted.map(({ entity, key }) => targetOf(entity, key))),
    Promise.all(
      [...byEntity].map(
        async ([entity, targetsOf]) =>
          (await db.entity(entity).bulkGet(targetsOf.map(({ key }) => primaryKeyOf(entity, key) as never))) as (
            | Record<string, unknown>
            | undefined
          )[],
      ),
    ),
  ]);
  const alreadyKept = new Set(wanted.filter((_, i) => already[i] !== undefined).map(({ entity, key }) => targetOf(entity, key)));
  const kept: ServerRow[] = [];
  [...byEntity].forEach(([entity, targetsOf], e) => {
    targetsOf.forEach(({ key }, i) => {
      const target = targetOf(entity, key);
      if (alreadyKept.has(target) || queued.has(target)) return;
      const row = locals[e]![i];
      if (row) kept.push({ entity, key, row });
      else created.add(target);
    });
  });
  if (kept.length > 0) await db.serverRows.bulkPut(kept);
  return created;
}

/**
 * The targets among `targets` that some outbox entry still touches. One count of the index per target, all sent at
 * once: a cursor over the index jumping from target to target is several times slower when much else waits.
 */
async function queuedTargets(db: TruongAnDb, targets: readonly string[]): Promise<Set<string>> {
  const counts = await Promise.all(targets.map((t) => db.outbox.where('targets').equals(t).count()));
  return new Set(targets.filter((_, i) => counts[i]! > 0));
}

function groupByEntity(targets: readonly Target[]): Map<EntityName, Target[]> {
  const out = new Map<EntityName, Target[]>();
  for (const target of targets) {
    const list = out.get(target.entity);
    if (list) list.push(target);
    else out.set(target.entity, [target]);
  }
  return out;
}

/**
 * Applies the server's answer to one pushed batch in one transaction. Applied and duplicate entries leave the
 * outbox (the server has them; its row comes back with the next pull, unless the server kept a newer one: see
 * keptRowStands); rejected ones stay, with the reason. Entries the answer does not mention stay pending and are
 * sent again: the server applies an id at most once. `sent`, the entries of the batch, lets them be read by key;
 * `learned.clockOffsetMs`, the clock offset measured by the same request, is stored in the same transaction.
 */
export async function applyPushResults(
  db: TruongAnDb,
  results: readonly MutationResult[],
  sent: readonly OutboxEntry[] = [],
  learned: { clockOffsetMs: number | null } = { clockOffsetMs: null },
): Promise<{ done: number; rejected: number }> {
  let done = 0;
  let rejected = 0;
  // The entity tables too: a row the server kept while the change waited is put back in this transaction.
  await db.transaction('rw', [...db.entityTables(), db.outbox, db.serverRows, db.meta], async () => {
    if (learned.clockOffsetMs !== null) await db.meta.put({ key: 'clockOffsetMs', value: learned.clockOffsetMs });
    const answers = new Map(results.map((result) => [result.id, result]));
    // One read for the whole answer, then one bulk delete and one bulk update: a batch of 500 costs a handful of
    // requests, not several per entry.
    // The entries as stored now (one may have been discarded meanwhile). A batch is a run of consecutive seqs, so when
    // the caller has the batch it sent they are read as one range of the primary key (one request, not 500), with
    // whatever else lies in that range; otherwise by mutation id.
    const seqs = sent.filter((entry) => entry.seq !== undefined && answers.has(entry.id)).map((entry) => entry.seq!);
    const span = seqs.length > 0 ? { from: Math.min(...seqs), to: Math.max(...seqs) } : null;
    const byRange = span !== null && seqs.length === answers.size && span.to - span.from < 2 * seqs.length;
    const entries = byRange
      ? await db.outbox.where(':id').between(span.from, span.to, true, true).toArray()
      : await db.outbox.where('id').anyOf([...answers.keys()]).toArray();
    const acknowledged: number[] = [];
    const refused: OutboxEntry[] = [];
    const released = new Set<string>();
    const created = new Set<string>();
    let wholeRange = byRange;
    for (const entry of entries) {
      const result = answers.get(entry.id);
      if (!result || entry.seq === undefined || entry.state !== 'pending' || result.status === 'rejected') {
        wholeRange = false;
      }
      if (!result || entry.seq === undefined || entry.state !== 'pending') continue;
      if (result.status === 'rejected') {
        refused.push({
          ...entry,
          state: 'rejected',
          error: result.error ?? 'Máy chủ từ chối thay đổi này (the server rejected this change)',
          attempts: entry.attempts + 1,
        });
      } else {
        acknowledged.push(entry.seq);
        entry.targets.forEach((t) => released.add(t));
        entry.created?.forEach((t) => created.add(t));
      }
    }
    // Every entry of the range acknowledged (the usual case): one range delete instead of one delete per entry.
    if (wholeRange && span && acknowledged.length > 0) await db.outbox.where(':id').between(span.from, span.to, true, true).delete();
    else if (acknowledged.length > 0) await db.outbox.bulkDelete(acknowledged);
    if (refused.length > 0) await db.outbox.bulkPut(refused);
    done = acknowledged.length;
    rejected = refused.length;
    await forgetServerRows(db, released, 'ifStands', created);
  });
  return { done, rejected };
}

/** Marks entries rejected without a per-entry answer (a whole batch refused as malformed). */
export async function rejectEntries(db: TruongAnDb, reasons: ReadonlyMap<string, string>): Promise<void> {
  if (reasons.size === 0) return;
  await db.transaction('rw', db.outbox, async () => {
    const entries = await db.outbox.where('id').anyOf([...reasons.keys()]).toArray();
    const refused = entries
      .filter((entry) => entry.seq !== undefined && entry.state === 'pending')
      .map((entry): OutboxEntry => ({ ...entry, state: 'rejected', error: reasons.get(entry.id), attempts: entry.attempts + 1 }));
    if (refused.length > 0) await db.outbox.bulkPut(refused);
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
    const createdNow = await keepServerRows(db, new Set(replacement.targets), new Set(entry.targets));
    await db.outbox.delete(entry.seq);
    if (reapply) await reapply();
    const { seq: _seq, error: _error, created: createdBefore, ...rest } = entry;
    // The rows the old entry created and the replacement still targets stay created by it.
    const created = [...(createdBefore ?? []).filter((t) => replacement.targets.includes(t)), ...createdNow];
    await db.outbox.add({ ...rest, ...replacement, state: 'pending', attempts: 0, ...(created.length > 0 ? { created } : {}) });
    await forgetServerRows(db, new Set(entry.targets.filter((t) => !replacement.targets.includes(t))), 'always');
    return true;
  });
}

/**
 * Forgets the kept-aside server rows of targets no queued change touches any more. 'always' restores them first
 * (the local change is dropped): a target with nothing kept aside was created by a change, so its row is deleted.
 * 'ifStands' restores those the server still holds after acknowledging the change; `created` (targets the
 * acknowledged entries created, with nothing kept aside) need nothing then, and are neither read nor deleted.
 */
async function forgetServerRows(
  db: TruongAnDb,
  targets: Set<string>,
  restore: 'always' | 'ifStands',
  created: ReadonlySet<string> = new Set(),
): Promise<void> {
  if (targets.size === 0) return;
  // Targets another queued change still touches keep their kept-aside row.
  const list = [...targets].filter((t) => restore === 'always' || !created.has(t));
  if (list.length === 0) return;
  const queued = await queuedTargets(db, list);
  const free = list.filter((t) => !queued.has(t)).map(parseTarget);
  if (free.length === 0) return;
  const serverKeys = free.map(({ entity, key }) => [entity, key] as [string, string]);
  const kept = await db.serverRows.bulkGet(serverKeys);
  const puts = new Map<EntityName, object[]>();
  const deletes = new Map<EntityName, IndexableType[]>();
  // Restored always (nothing kept: the change created the row), or (after an acknowledgement) only a kept server row
  // that may still stand. A kept "no row" (the server deleted it) needs nothing after an acknowledgement.
  const judged = free.filter((_, i) => (restore === 'always' ? true : kept[i] !== undefined && kept[i]!.row !== null));
  const keptOf = new Map(free.map((t, i) => [targetOf(t.entity, t.key), kept[i]]));
  for (const [entity, targetsOf] of groupByEntity(judged)) {
    const pks = targetsOf.map(({ key }) => primaryKeyOf(entity, key));
    // The local rows are needed only to judge whether the server's row still stands.
    const locals =
      restore === 'ifStands' && entity === 'attendance'
        ? ((await db.entity(entity).bulkGet(pks as never)) as (Record<string, unknown> | undefined)[])
        : [];
    targetsOf.forEach(({ key }, i) => {
      const row = keptOf.get(targetOf(entity, key))?.row ?? null;
      if (restore === 'always') {
        if (row) listIn(puts, entity).push(row);
        else listIn(deletes, entity).push(pks[i] as IndexableType);
      } else if (row && keptRowStands(entity, row, locals[i])) {
        listIn(puts, entity).push(row);
      }
    });
  }
  for (const [entity, rows] of puts) await db.table(entity).bulkPut(rows);
  for (const [entity, keys] of deletes) await db.table(entity).bulkDelete(keys);
  const forgotten = serverKeys.filter((_, i) => kept[i] !== undefined);
  if (forgotten.length > 0) await db.serverRows.bulkDelete(forgotten);
}

function listIn<T>(map: Map<EntityName, T[]>, entity: EntityName): T[] {
  let list = map.get(entity);
  if (!list) map.set(entity, (list = []));
  return list;
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
