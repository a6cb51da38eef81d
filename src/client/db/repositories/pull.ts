import type { IndexableType } from 'dexie';
import type { Change, EntityName } from '../../../shared/sync/wire';
import type { OutboxEntry, ServerRow } from '../schema';
import { getDb, type TruongAnDb } from '../database';
import { entityKey, primaryKeyOf, targetOf } from '../keys';
import { parseEntityRow } from '../validate';

export interface PullPageOutcome {
  /** Rows written or deleted. */
  applied: number;
  /** Rows whose key has local changes waiting: the local change wins until it is pushed (the row comes again then). */
  skipped: number;
  /** Rows that failed their entity's schema: never stored, counted so the problem is visible. */
  invalid: number;
}

export async function getCursor(userId: string, db: TruongAnDb = getDb()): Promise<string | undefined> {
  return (await db.cursors.get(userId))?.cursor;
}

/**
 * Applies one pull page and stores its cursor in ONE transaction: a crash in between can neither lose rows
 * (cursor moved, rows not written) nor matter (rows written, cursor not moved: the page comes again and is
 * applied again, harmlessly). Rows are validated before the transaction opens and written with one bulk call per
 * entity: a first pull is tens of thousands of rows, and one awaited put per row made it several times slower.
 */
export async function applyPullPage(
  db: TruongAnDb,
  userId: string,
  changes: readonly Change[],
  cursor: string,
): Promise<PullPageOutcome> {
  const outcome: PullPageOutcome = { applied: 0, skipped: 0, invalid: 0 };
  const parsed = changes.map((change) => (change.op === 'put' ? parseEntityRow(change.entity, change.row) : null));
  await db.transaction('rw', [...db.entityTables(), db.outbox, db.serverRows, db.cursors], async () => {
    const resolved = await Promise.all(changes.map((change) => resolveKey(db, change)));
    const waiting = new Set<string>();
    // The waiting entries that created a row of this page: a row kept aside for it makes it no longer "created".
    const creators: OutboxEntry[] = [];
    if ((await db.outbox.count()) > 0) {
      const targets = new Set<string>();
      changes.forEach((change, i) => {
        const key = resolved[i];
        if (key != null) targets.add(targetOf(change.entity, key));
      });
      if (targets.size > 0) {
        for (const entry of await db.outbox.where('targets').anyOf([...targets]).toArray()) {
          entry.targets.forEach((t) => waiting.add(t));
          if (entry.created?.length) creators.push(entry);
        }
      }
    }

    const puts = new Map<EntityName, object[]>();
    const deletes = new Map<EntityName, IndexableType[]>();
    const kept: ServerRow[] = [];
    for (const [i, change] of changes.entries()) {
      const key = resolved[i];
      const row = parsed[i] ?? null;
      // A deleted attendance row this device never had: nothing to remove.
      if (key == null && change.op === 'delete' && typeof change.row.id === 'string') continue;
      if (key == null || (change.op === 'put' && row === null)) {
        outcome.invalid += 1;
        continue;
      }
      if (waiting.has(targetOf(change.entity, key))) {
        // Keep the server's latest version aside: discarding the local change restores it.
        kept.push({ entity: change.entity, key, row: row as Record<string, unknown> | null });
        outcome.skipped += 1;
        continue;
      }
      if (change.op === 'put') listIn(puts, change.entity).push(row as object);
      else listIn(deletes, change.entity).push(primaryKeyOf(change.entity, key));
      outcome.applied += 1;
    }
    for (const [entity, rows] of puts) await db.table(entity).bulkPut(rows);
    for (const [entity, keys] of deletes) await db.table(entity).bulkDelete(keys);
    if (kept.length > 0) {
      await db.serverRows.bulkPut(kept);
      await unmarkCreated(db, creators, new Set(kept.map(({ entity, key }) => targetOf(entity, key))));
    }
    await db.cursors.put({ userId, cursor });
  });
  return outcome;
}

/**
 * The server has a row for these targets after all (another device made it while the local change waited): the
 * entries that created them locally no longer did, so acknowledging them judges the kept row (see applyPushResults)
 * and discarding them restores it instead of deleting the row.
 */
async function unmarkCreated(db: TruongAnDb, creators: readonly OutboxEntry[], keptAside: ReadonlySet<string>): Promise<void> {
  const changed: OutboxEntry[] = [];
  for (const entry of creators) {
    const created = entry.created!.filter((t) => !keptAside.has(t));
    if (created.length === entry.created!.length) continue;
    const { created: _created, ...rest } = entry;
    changed.push(created.length > 0 ? { ...rest, created } : rest);
  }
  if (changed.length > 0) await db.outbox.bulkPut(changed);
}

/** A deleted row may arrive as its id only; attendance is keyed by (session, person), so look the pair up. */
async function resolveKey(db: TruongAnDb, change: Change): Promise<string | null> {
  const key = entityKey(change.entity, change.row);
  if (key !== null || change.entity !== 'attendance' || typeof change.row.id !== 'string') return key;
  const local = await db.entity('attendance').where('id').equals(change.row.id).first();
  return local ? entityKey('attendance', local) : null;
}

function listIn<T>(map: Map<EntityName, T[]>, entity: EntityName): T[] {
  let list = map.get(entity);
  if (!list) map.set(entity, (list = []));
  return list;
}
