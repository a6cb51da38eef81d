import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { ENTITY_NAMES, type Change, type EntityName, type PullResponse } from '../../shared/sync/wire';
import type { Access } from '../auth/access';
import type { Db } from '../db';
import type { Database } from '../db/schema';
import { chunk, idChunks } from './batching';
import { touchSyncClient } from './clients';
import { decodeCursor, encodeCursor, type StreamCursor } from './cursor';
import { ENTITY_TABLES, toSharedRows, type SyncedRow } from './rows';
import { assignedStream } from './trainer-view';

/**
 * What a stream holds: the synced tables, tombstones, and the trainer feed. `tombstones.entity` is the contract's
 * entity name, so a delete travels as `{ entity, op: 'delete', row: { id } }` without translation. The trainer feed
 * (trainer-view.ts) names sessions that live in other streams; only a trainer's `assigned:<userId>` stream has
 * entries there.
 */
type Kind = EntityName | 'tombstone' | 'assignment';
const KINDS: readonly Kind[] = [...ENTITY_NAMES, 'tombstone', 'assignment'];
const tableOf = (kind: Kind): keyof Database =>
  kind === 'tombstone' ? 'tombstones' : kind === 'assignment' ? 'trainer_session_feed' : ENTITY_TABLES[kind];

/** Long OR chains nest in SQLite's parser (depth limit 1000); counting runs over this many streams a statement. */
const STREAMS_PER_COUNT = 100;

interface VersionedChange {
  version: number;
  change: Change;
}

/**
 * Reads one page of changes for a user's devices.
 *
 * All reads run in one snapshot (a REPEATABLE READ transaction on PostgreSQL; one SQLite transaction), and within
 * a stream versions commit in the order they are handed out (reserveVersions holds the stream's row lock until
 * commit). So in the snapshot, every version at or below the stream's counter is either visible or will never
 * exist, and the cursor may move to the counter itself when a page takes the whole stream: it skips gaps left by
 * writes that did not produce a row, never a row.
 */
export class PullService {
  constructor(private readonly db: Db) {}

  /**
   * `clientId`, when the device sends it, is bound to the user and its last pull recorded first, in its own short
   * write: the page itself is read in a read-only snapshot. A pull that then fails still counts as the device
   * having reached the server, which is what the coverage dashboard asks.
   */
  async pull(access: Access, cursorText: string | undefined, limit: number, clientId?: string): Promise<PullResponse> {
    const given = decodeCursor(cursorText);
    if (clientId !== undefined) await touchSyncClient(this.db.kysely, access, clientId, 'pull', new Date().toISOString());
    const streams = orderStreams(access);
    const ownStreams = new Set(streams);
    // Last: the sessions assigned to this user as a trainer, read after the lookups they refer to.
    streams.push(assignedStream(access.userId));
    // A stream no longer in scope is dropped from the cursor; a new one starts at 0.
    const start: StreamCursor = new Map(streams.map((s) => [s, given.get(s) ?? 0]));

    const begin = this.db.kysely.transaction();
    const trx =
      this.db.kind === 'postgres' ? begin.setIsolationLevel('repeatable read').setAccessMode('read only') : begin;
    return trx.execute(async (t) => {
      const counters = await streamCounters(t, streams);
      const next: StreamCursor = new Map();
      const changes: Change[] = [];
      const unfinished: string[] = [];
      let budget = limit;

      for (const stream of streams) {
        const counter = counters.get(stream) ?? 0;
        // A cursor ahead of the counter means the database went back (a restore): send that stream again from
        // the start rather than leave the device silently missing what the restored database holds.
        const from = (start.get(stream) ?? 0) > counter ? 0 : (start.get(stream) ?? 0);
        next.set(stream, from);
        if (counter <= from) continue;
        if (budget === 0) {
          unfinished.push(stream);
          continue;
        }
        const page = await readStream(t, stream, from, budget, ownStreams);
        for (const c of page.changes) changes.push(c.change);
        budget -= page.changes.length;
        if (page.complete) {
          next.set(stream, counter);
        } else {
          next.set(stream, page.changes.at(-1)?.version ?? from);
          unfinished.push(stream);
        }
      }

      const remaining = unfinished.length === 0 ? 0 : await countAfter(t, unfinished, next);
      return {
        changes,
        cursor: encodeCursor(next),
        hasMore: unfinished.length > 0,
        serverTime: new Date().toISOString(),
        remaining,
      };
    });
  }
}

/** Shared streams first (the department, then communes and clusters), the school last: lookups arrive before what refers to them. */
function orderStreams(access: Access): string[] {
  const depth = new Map(access.pullStreams().map((s) => [s, access.tree.ancestorsOrSelf(s).length]));
  return [...depth.keys()].sort((a, b) => depth.get(a)! - depth.get(b)! || (a < b ? -1 : a > b ? 1 : 0));
}

async function streamCounters(t: Transaction<Database>, streams: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const ids of idChunks(streams)) {
    const rows = await t.selectFrom('stream_versions').select(['stream', 'version']).where('stream', 'in', ids).execute();
    for (const r of rows) out.set(r.stream, r.version);
  }
  return out;
}

/**
 * Up to `budget` changes of one stream after `from`, in version order. First the (kind, version) of the next
 * `budget + 1` entries across all tables, which says where the page ends and whether the stream is complete;
 * then the rows themselves, only from the tables that have any.
 */
async function readStream(
  t: Transaction<Database>,
  stream: string,
  from: number,
  budget: number,
  ownStreams: ReadonlySet<string>,
): Promise<{ changes: VersionedChange[]; complete: boolean }> {
  const probe = budget + 1;
  const branches = KINDS.map(
    (kind, i) =>
      sql`select ${sql.lit(i)} as k, version from (select version from ${sql.table(tableOf(kind))} where stream = ${stream} and version > ${from}${tombstoneFilter(kind)} order by version limit ${probe}) as ${sql.raw(`b${i}`)}`,
  );
  const heads = await sql<{ k: number; version: number }>`select k, version from (${sql.join(branches, sql` union all `)}) as heads order by version limit ${probe}`.execute(
    t,
  );
  const complete = heads.rows.length <= budget;
  const taken = complete ? heads.rows : heads.rows.slice(0, budget);
  const last = taken.at(-1);
  if (!last) return { changes: [], complete };
  const upTo = Number(last.version);

  const changes: VersionedChange[] = [];
  for (const k of new Set(taken.map((h) => Number(h.k)))) {
    const kind = KINDS[k]!;
    if (kind === 'tombstone') {
      const rows = await t
        .selectFrom('tombstones')
        .select(['entity', 'id', 'version'])
        .where('stream', '=', stream)
        .where('version', '>', from)
        .where('version', '<=', upTo)
        .where('entity', 'in', ENTITY_NAMES)
        .execute();
      for (const r of rows) {
        changes.push({ version: r.version, change: { entity: r.entity as EntityName, op: 'delete', row: { id: r.id } } });
      }
    } else if (kind === 'assignment') {
      changes.push(...(await readAssignments(t, stream, from, upTo, ownStreams)));
    } else {
      changes.push(...(await readRows(t, kind, stream, from, upTo)));
    }
  }
  changes.sort((a, b) => a.version - b.version);
  return { changes, complete };
}

function tombstoneFilter(kind: Kind): RawBuilder<unknown> {
  return kind === 'tombstone' ? sql` and entity in (${sql.join(ENTITY_NAMES)})` : sql``;
}

async function readRows<E extends EntityName>(
  t: Transaction<Database>,
  entity: E,
  stream: string,
  from: number,
  upTo: number,
): Promise<VersionedChange[]> {
  const result = await sql<SyncedRow<E>>`select * from ${sql.table(ENTITY_TABLES[entity])} where stream = ${stream} and version > ${from} and version <= ${upTo} order by version`.execute(
    t,
  );
  const rows = result.rows;
  const shared = await toSharedRows(t, entity, rows);
  return shared.map((row, i) => ({
    version: Number(rows[i]!.version),
    change: { entity, op: 'put', row: row as Record<string, unknown> },
  }));
}

/**
 * A trainer's feed entries as session changes: the session as it is now for an assignment, a delete for a session
 * handed to someone else, unless the user also pulls the session's own stream (a trainer who teaches there), whose
 * copy must stay.
 */
async function readAssignments(
  t: Transaction<Database>,
  stream: string,
  from: number,
  upTo: number,
  ownStreams: ReadonlySet<string>,
): Promise<VersionedChange[]> {
  const feed = await t
    .selectFrom('trainer_session_feed')
    .select(['session_id', 'version', 'assigned'])
    .where('stream', '=', stream)
    .where('version', '>', from)
    .where('version', '<=', upTo)
    .execute();
  const sessions = new Map<string, SyncedRow<'session'>>();
  for (const ids of idChunks(feed.map((f) => f.session_id))) {
    const rows = await t.selectFrom('sessions').selectAll().where('id', 'in', ids).execute();
    for (const r of rows) sessions.set(r.id, r);
  }
  const puts = feed.filter((f) => f.assigned === 1 && sessions.has(f.session_id));
  const shared = await toSharedRows(
    t,
    'session',
    puts.map((f) => sessions.get(f.session_id)!),
  );
  const changes: VersionedChange[] = puts.map((f, i) => ({
    version: Number(f.version),
    change: { entity: 'session', op: 'put', row: shared[i] as Record<string, unknown> },
  }));
  for (const f of feed) {
    if (f.assigned === 1) continue;
    const session = sessions.get(f.session_id);
    if (session && ownStreams.has(session.stream)) continue;
    changes.push({ version: Number(f.version), change: { entity: 'session', op: 'delete', row: { id: f.session_id } } });
  }
  return changes;
}

/** Entries after each stream's new cursor: the first pull's progress bar. One COUNT per table over the (stream, version) index. */
async function countAfter(t: Kysely<Database> | Transaction<Database>, streams: string[], cursor: StreamCursor): Promise<number> {
  let total = 0;
  for (const group of chunk(streams, STREAMS_PER_COUNT)) {
    const conditions = sql.join(
      group.map((s) => sql`(stream = ${s} and version > ${cursor.get(s) ?? 0})`),
      sql` or `,
    );
    const branches = KINDS.map(
      (kind) =>
        sql`select count(*) as n from ${sql.table(tableOf(kind))} where (${conditions})${tombstoneFilter(kind)}`,
    );
    const result = await sql<{ n: number }>`${sql.join(branches, sql` union all `)}`.execute(t);
    for (const r of result.rows) total += Number(r.n);
  }
  return total;
}
