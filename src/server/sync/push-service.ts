import type { Transaction } from 'kysely';
import { describeIssues } from '../../shared/validation';
import { isMutationName, MUTATIONS, type MutationName } from '../../shared/sync/mutations';
import type { MutationResult, PushRequest, PushResponse } from '../../shared/sync/wire';
import type { Access } from '../auth/access';
import type { Db } from '../db';
import type { AppliedMutationTable, Database } from '../db/schema';
import { HttpError } from '../http/errors';
import { chunk, idChunks, rowsPerStatement, StatementCache } from './batching';
import { touchSyncClient } from './clients';
import { mutationContentHash } from './content-hash';
import { HANDLERS } from './handlers';
import type { AuthorisedMutation, BatchMeta, MutationHandler, PendingMutation, PreparedMutations } from './handlers/handler';
import { REJECTION } from './reasons';

interface Candidate extends PendingMutation {
  name: MutationName;
  contentHash: string;
}

/**
 * Applies a pushed batch. A mutation id is applied at most once, ever: it is recorded in applied_mutations in the
 * same transaction as its effects, and the primary key of applied_mutations decides between concurrent pushes of
 * the same id (the insert of the second waits for the first to commit, then finds the id taken).
 *
 * The batch is processed set-wise in one transaction: arguments are validated in memory, the context of all of
 * them is loaded with a few IN queries, and effects are written with multi-row statements. A rejected mutation
 * is answered with its reason and does not stop the rest; an unexpected database error rolls the whole batch
 * back, and the device sends it again (retries are answered "duplicate" for whatever did commit).
 */
export class PushService {
  private readonly statements = new StatementCache();

  constructor(private readonly db: Db) {}

  async push(access: Access, request: PushRequest): Promise<PushResponse> {
    const meta: BatchMeta = {
      userId: access.userId,
      clientId: request.clientId,
      receivedAt: new Date().toISOString(),
      statements: this.statements,
    };
    const results: MutationResult[] = [];
    const candidates: Candidate[] = [];
    const firstOfId = new Map<string, Candidate>();
    const repeats: { index: number; of: Candidate }[] = [];

    request.mutations.forEach((m, index) => {
      if (!isMutationName(m.name)) {
        results[index] = rejected(m.id, REJECTION.unknownMutation(m.name));
        return;
      }
      const parsed = MUTATIONS[m.name].safeParse(m.args);
      if (!parsed.success) {
        const detail = describeIssues(parsed.error)
          .map((p) => (p.field === '(body)' ? p.message : `${p.field}: ${p.message}`))
          .join('; ');
        results[index] = rejected(m.id, REJECTION.invalidArgs(detail));
        return;
      }
      const clientTime = Date.parse(m.clientTime);
      if (Number.isNaN(clientTime)) {
        results[index] = rejected(m.id, REJECTION.invalidArgs('clientTime'));
        return;
      }
      const candidate: Candidate = {
        index,
        id: m.id,
        name: m.name,
        args: parsed.data,
        clientTime: new Date(clientTime).toISOString(),
        contentHash: mutationContentHash(m.name, parsed.data),
      };
      // The same id twice in one batch: a retry folded into the batch, or a device bug if the content differs.
      const first = firstOfId.get(m.id);
      if (first) {
        if (first.contentHash === candidate.contentHash) repeats.push({ index, of: first });
        else results[index] = rejected(m.id, REJECTION.idReused);
        return;
      }
      firstOfId.set(m.id, candidate);
      candidates.push(candidate);
    });

    try {
      // The device's sync is recorded in the batch's transaction: a clientId bound to another user refuses the
      // batch before anything is written, and last_push_at moves only with a push that committed. A batch with
      // nothing to apply (all malformed) still counts as the device reaching the server.
      await this.db.kysely.transaction().execute(async (trx) => {
        await touchSyncClient(trx, access, request.clientId, 'push', meta.receivedAt);
        if (candidates.length > 0) await this.applyBatch(trx, candidates, access, meta, results);
      });
    } catch (error) {
      if (isTransient(error)) {
        throw new HttpError(503, 'unavailable', 'Máy chủ đang bận, sẽ tự gửi lại (server busy, will retry)');
      }
      throw error;
    }

    for (const { index, of } of repeats) {
      const outcome = results[of.index]!;
      results[index] = outcome.status === 'rejected' ? { ...outcome, id: of.id } : { id: of.id, status: 'duplicate' };
    }
    return { results, serverTime: new Date().toISOString() };
  }

  private async applyBatch(
    trx: Transaction<Database>,
    candidates: Candidate[],
    access: Access,
    meta: BatchMeta,
    results: MutationResult[],
  ): Promise<void> {
    const fresh = await this.answerRecorded(trx, candidates, access.userId, results);

    // Runs of consecutive mutations of one kind, in batch order, each prepared against the effects of the runs
    // before it: a session created offline and then edited, or marked, in the same batch finds the session. A run
    // is still processed set-wise (a batch of 500 marks is one run).
    for (const run of runsOf(fresh)) {
      const kind = await prepareKind(run.name, trx, run.mutations, access, meta);
      const authorised: (Candidate & { stream: string })[] = [];
      for (const c of run.mutations) {
        const decision = kind.decide(c);
        if (decision.ok) authorised.push({ ...c, stream: decision.stream });
        else results[c.index] = rejected(c.id, decision.reason);
      }
      if (authorised.length === 0) continue;

      const claimed = await claim(trx, authorised, meta);
      const lost = authorised.filter((c) => !claimed.has(c.id));
      // Taken between our first look and our insert: a concurrent push of the same batch committed it first.
      if (lost.length > 0) {
        const unexplained = await this.answerRecorded(trx, lost, access.userId, results);
        if (unexplained.length > 0) throw new TransientPushError('mutation ids neither inserted nor found');
      }

      const mine = authorised.filter((c) => claimed.has(c.id));
      if (mine.length === 0) continue;
      await kind.apply(trx, mine as AuthorisedMutation<MutationName>[]);
      for (const c of mine) results[c.index] = { id: c.id, status: 'applied' };
    }
  }

  /**
   * Answers the candidates whose id is already recorded: "duplicate" when the same user sent the same content,
   * "rejected" when the id was used for something else. Returns the others.
   */
  private async answerRecorded<C extends Candidate>(
    trx: Transaction<Database>,
    candidates: C[],
    userId: string,
    results: MutationResult[],
  ): Promise<C[]> {
    const recorded = new Map<string, { user_id: string; content_hash: string }>();
    for (const ids of idChunks(candidates.map((c) => c.id))) {
      const rows = await trx
        .selectFrom('applied_mutations')
        .select(['id', 'user_id', 'content_hash'])
        .where('id', 'in', ids)
        .execute();
      for (const r of rows) recorded.set(r.id, r);
    }
    const fresh: C[] = [];
    for (const c of candidates) {
      const r = recorded.get(c.id);
      if (!r) fresh.push(c);
      else if (r.user_id === userId && r.content_hash === c.contentHash) results[c.index] = { id: c.id, status: 'duplicate' };
      else results[c.index] = rejected(c.id, REJECTION.idReused);
    }
    return fresh;
  }
}

/** Consecutive candidates of the same mutation name, in batch order. */
function runsOf(candidates: Candidate[]): { name: MutationName; mutations: Candidate[] }[] {
  const runs: { name: MutationName; mutations: Candidate[] }[] = [];
  for (const c of candidates) {
    const last = runs.at(-1);
    if (last && last.name === c.name) last.mutations.push(c);
    else runs.push({ name: c.name, mutations: [c] });
  }
  return runs;
}

function prepareKind<N extends MutationName>(
  name: N,
  trx: Transaction<Database>,
  mutations: Candidate[],
  access: Access,
  meta: BatchMeta,
): Promise<PreparedMutations<MutationName>> {
  const handler = HANDLERS[name] as MutationHandler<N>;
  // Grouped by name before this call, so the arguments are those of N.
  return handler.prepare(trx, mutations as unknown as PendingMutation<N>[], access, meta) as Promise<PreparedMutations<MutationName>>;
}

/**
 * Records the ids; returns those this transaction inserted. Sorted, so that two pushes sharing ids lock them in
 * the same order and wait for each other instead of deadlocking.
 */
async function claim(
  trx: Transaction<Database>,
  mutations: (Candidate & { stream: string })[],
  meta: BatchMeta,
): Promise<Set<string>> {
  const rows: AppliedMutationTable[] = mutations
    .map((m) => ({
      id: m.id,
      stream: m.stream,
      user_id: meta.userId,
      client_id: meta.clientId,
      name: m.name,
      content_hash: m.contentHash,
      applied_at: meta.receivedAt,
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const claimed = new Set<string>();
  for (const part of chunk(rows, rowsPerStatement(7))) {
    const inserted = await meta.statements.run(trx, 'applied_mutations.claim', part, (values) =>
      trx
        .insertInto('applied_mutations')
        .values(values)
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id'),
    );
    for (const r of inserted.rows) claimed.add(r.id);
  }
  return claimed;
}

/** The batch met a state a retry resolves; answered 503 after the rollback. */
class TransientPushError extends Error {}

function rejected(id: string, error: string): MutationResult {
  return { id, status: 'rejected', error };
}

/** Errors a retry of the same batch can get past: lock conflicts, a busy SQLite file, a lost connection. */
function isTransient(error: unknown): boolean {
  if (error instanceof TransientPushError) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code === '40001' || code === '40P01' || code === '55P03' || code === '53300' || code === '57P01') return true;
    if (code.startsWith('08')) return true;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'ECONNRESET' || code === 'ECONNREFUSED') return true;
  }
  return /timeout exceeded when trying to connect|Connection terminated/i.test(error.message);
}
