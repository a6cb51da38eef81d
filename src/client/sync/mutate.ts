import { newId as makeId } from '../../shared/domain/ids';
import { isMutationName, MUTATIONS, type MutationArgs, type MutationName } from '../../shared/sync/mutations';
import { describeIssues } from '../../shared/validation';
import type { TruongAnDb } from '../db/database';
import { recordLocalChange } from '../db/repositories/outbox';
import { applierFor } from './appliers';
import { correctedNow } from './clock';
import { getRuntime } from './runtime';
import { SyncMessageError } from './messages';

export interface MutateContext {
  db: TruongAnDb;
  /** The signed-in user; every outbox entry carries its author so that it is pushed with the author's token. */
  userId: string | null;
  now: () => number;
  newId?: () => string;
  /** Called after the change is safely written: the engine syncs a few seconds later. */
  onLocalChange?: () => void;
}

/**
 * Validates a change, applies it to the device database and appends it to the outbox in one transaction.
 * Resolves with the mutation id once both are written; rejects (and writes nothing) otherwise.
 */
export async function mutateWith<N extends MutationName>(
  ctx: MutateContext,
  name: N,
  args: MutationArgs<N> | unknown,
): Promise<{ id: string }> {
  if (!isMutationName(name)) throw new SyncMessageError('unknownChange', { name: String(name) });
  if (!ctx.userId) throw new SyncMessageError('notSignedIn');
  const parsed = MUTATIONS[name].safeParse(args);
  if (!parsed.success) {
    const fields = describeIssues(parsed.error);
    throw new SyncMessageError(
      'invalidChange',
      { detail: fields.map((f) => `${f.field}: ${f.message}`).join('; ') },
      fields,
    );
  }
  const valid = parsed.data as MutationArgs<N>;
  const applier = applierFor(name);
  const clientTime = await correctedNow(ctx.db, ctx.now);
  const id = (ctx.newId ?? makeId)();
  const userId = ctx.userId;
  await recordLocalChange(
    ctx.db,
    { id, userId, name, args: valid, clientTime, state: 'pending', attempts: 0, targets: applier.targets(valid) },
    () => applier.apply(valid, { db: ctx.db, userId, clientTime }),
  );
  ctx.onLocalChange?.();
  return { id };
}

/** Records a change made by the signed-in user on this device (see mutateWith). */
export function mutate<N extends MutationName>(name: N, args: MutationArgs<N>): Promise<{ id: string }> {
  const runtime = getRuntime();
  return mutateWith(
    {
      db: runtime.db,
      userId: runtime.currentUserId,
      now: runtime.now,
      onLocalChange: () => runtime.engine.notifyLocalChange(),
    },
    name,
    args,
  );
}
