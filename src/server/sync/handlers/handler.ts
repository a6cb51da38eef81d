import type { Transaction } from 'kysely';
import type { MutationArgs, MutationName } from '../../../shared/sync/mutations';
import type { Access } from '../../auth/access';
import type { Database } from '../../db/schema';
import type { StatementCache } from '../batching';

/** A mutation of a pushed batch whose arguments passed the catalogue's schema and whose id is not yet recorded. */
export interface PendingMutation<N extends MutationName = MutationName> {
  /** Position in the pushed batch. */
  index: number;
  id: string;
  args: MutationArgs<N>;
  /** The device's time of the change, already corrected by its clock offset, as ISO-8601 UTC. */
  clientTime: string;
}

/** A mutation the handler accepted, with the version stream its effects land in (recorded with its id). */
export interface AuthorisedMutation<N extends MutationName = MutationName> extends PendingMutation<N> {
  stream: string;
}

export type Decision = { ok: true; stream: string } | { ok: false; reason: string };

/** What every mutation of a batch shares. */
export interface BatchMeta {
  userId: string;
  clientId: string;
  /** Server time at which the batch was received. */
  receivedAt: string;
  /** Compiled multi-row statements of this database, for the batch's bulk writes. */
  statements: StatementCache;
}

/** The batch's mutations of one kind, with what was loaded for them. */
export interface PreparedMutations<N extends MutationName> {
  /**
   * Authorises one mutation against the loaded context. Asked once per mutation, in batch order; a handler may let
   * an accepted mutation change what the next one is judged against (two edits of one session in a run).
   */
  decide(mutation: PendingMutation<N>): Decision;
  /**
   * Writes the effects of the mutations whose ids were just recorded in `applied_mutations` by this transaction,
   * in batch order. Any error aborts the whole batch.
   */
  apply(trx: Transaction<Database>, mutations: AuthorisedMutation<N>[]): Promise<void>;
}

/**
 * One kind of mutation, processed set-wise for each run of consecutive mutations of that kind in a batch: the push
 * service validates the arguments with the shared catalogue, then the handler loads the context of all of them at
 * once (`prepare`, which sees the effects of the runs before), authorises each in batch order (`decide`) and
 * applies those whose ids were claimed (`apply`), all in the batch's transaction.
 */
export interface MutationHandler<N extends MutationName> {
  readonly name: N;
  prepare(
    trx: Transaction<Database>,
    mutations: PendingMutation<N>[],
    access: Access,
    meta: BatchMeta,
  ): Promise<PreparedMutations<N>>;
}
