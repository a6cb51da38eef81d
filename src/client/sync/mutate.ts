import { newId as makeId } from '../../shared/domain/ids';
import { isMutationName, MUTATIONS, type MutationArgs, type MutationName } from '../../shared/sync/mutations';
import { describeIssues } from '../../shared/validation';
import type { TruongAnDb } from '../db/database';
import type { OutboxEntry } from '../db/schema';
import { recordLocalChanges } from '../db/repositories/outbox';
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
  const [valid] = validate(ctx, name, [args], false);
  const [id] = await record(ctx, name, [valid!]);
  return { id: id! };
}

/**
 * Several changes of one kind made together ("Tất cả có mặt" for a class): every one is validated first, then all
 * are applied and appended to the outbox in ONE transaction with bulk reads and writes, stamped with one clientTime.
 * Resolves with the mutation ids, in order, once all are written; rejects and writes nothing if any one is invalid
 * or cannot be applied. An empty list writes nothing.
 */
export async function mutateManyWith<N extends MutationName>(
  ctx: MutateContext,
  name: N,
  argsList: readonly (MutationArgs<N> | unknown)[],
): Promise<{ ids: string[] }> {
  const valid = validate(ctx, name, argsList, true);
  if (valid.length === 0) return { ids: [] };
  return { ids: await record(ctx, name, valid) };
}

/** Checks the name, the author and every argument list against the catalogue; `indexed` names the failing item. */
function validate<N extends MutationName>(
  ctx: MutateContext,
  name: N,
  argsList: readonly unknown[],
  indexed: boolean,
): MutationArgs<N>[] {
  if (!isMutationName(name)) throw new SyncMessageError('unknownChange', { name: String(name) });
  if (!ctx.userId) throw new SyncMessageError('notSignedIn');
  const schema = MUTATIONS[name];
  return argsList.map((args, index) => {
    const parsed = schema.safeParse(args);
    if (parsed.success) return parsed.data as MutationArgs<N>;
    const fields = describeIssues(parsed.error).map((f) => (indexed ? { ...f, field: `${index}.${f.field}` } : f));
    throw new SyncMessageError(
      'invalidChange',
      { detail: fields.map((f) => `${f.field}: ${f.message}`).join('; ') },
      fields,
    );
  });
}

/**
 * Applies validated changes and appends their outbox entries in one transaction. The clock offset is read inside
 * it, so that a single tap costs one transaction.
 */
async function record<N extends MutationName>(
  ctx: MutateContext,
  name: N,
  valid: readonly MutationArgs<N>[],
): Promise<string[]> {
  const applier = applierFor(name);
  const userId = ctx.userId!;
  const makeEntryId = ctx.newId ?? makeId;
  const ids = valid.map(() => makeEntryId());
  const targets = valid.map((args) => applier.targets(args));
  await recordLocalChanges(ctx.db, new Set(targets.flat()), () => correctedNow(ctx.db, ctx.now), async (clientTime) => {
    const applyCtx = { db: ctx.db, userId, clientTime };
    if (valid.length === 1) await applier.apply(valid[0]!, applyCtx);
    else if (applier.applyMany) await applier.applyMany(valid, applyCtx);
    else for (const args of valid) await applier.apply(args, applyCtx);
    return valid.map(
      (args, i): OutboxEntry => ({
        id: ids[i]!,
        userId,
        name,
        args,
        clientTime,
        state: 'pending',
        attempts: 0,
        targets: targets[i]!,
      }),
    );
  });
  ctx.onLocalChange?.();
  return ids;
}

function runtimeContext(): MutateContext {
  const runtime = getRuntime();
  return {
    db: runtime.db,
    userId: runtime.currentUserId,
    now: runtime.now,
    onLocalChange: () => runtime.engine.notifyLocalChange(),
  };
}

/** Records a change made by the signed-in user on this device (see mutateWith). */
export function mutate<N extends MutationName>(name: N, args: MutationArgs<N>): Promise<{ id: string }> {
  return mutateWith(runtimeContext(), name, args);
}

/** Records several changes made together by the signed-in user on this device, all or none (see mutateManyWith). */
export function mutateMany<N extends MutationName>(
  name: N,
  argsList: readonly MutationArgs<N>[],
): Promise<{ ids: string[] }> {
  return mutateManyWith(runtimeContext(), name, argsList);
}
