import { SessionSchema, type Session } from '../../../shared/domain';
import { STALE_EDIT_REASON } from '../../../shared/plan/session-input';
import { MUTATIONS, type MutationArgs } from '../../../shared/sync/mutations';
import type { TruongAnDb } from '../../db/database';
import type { OutboxEntry } from '../../db/schema';
import { sameValue } from './session-form';

/** The session fields shown side by side, in form order. */
export const COMPARED_FIELDS = [
  'status',
  'title',
  'activityTypeId',
  'scenarioCode',
  'startsAt',
  'endsAt',
  'place',
  'audience',
  'facilitatorPersonId',
  'periods',
] as const;
export type ComparedField = (typeof COMPARED_FIELDS)[number];

export interface FieldComparison {
  field: ComparedField;
  mine: unknown;
  theirs: unknown;
  differs: boolean;
}

export type StaleArgs =
  | { name: 'session.update'; args: MutationArgs<'session.update'> }
  | { name: 'session.cancel'; args: MutationArgs<'session.cancel'> };

export interface StaleEdit {
  change: StaleArgs;
  /** The server's version of the session as this device last pulled it; null when the server no longer has it. */
  theirs: Session | null;
  /** What this change would have made of the session. */
  mine: Partial<Record<ComparedField, unknown>>;
  fields: FieldComparison[];
}

/** A refused session edit or cancellation that the server found stale: someone else changed the session first. */
export function staleArgsOf(entry: Pick<OutboxEntry, 'name' | 'args' | 'state' | 'error'>): StaleArgs | null {
  if (entry.state !== 'rejected' || !entry.error?.startsWith(STALE_EDIT_REASON)) return null;
  if (entry.name === 'session.update') {
    const parsed = MUTATIONS['session.update'].safeParse(entry.args);
    return parsed.success ? { name: 'session.update', args: parsed.data } : null;
  }
  if (entry.name === 'session.cancel') {
    const parsed = MUTATIONS['session.cancel'].safeParse(entry.args);
    return parsed.success ? { name: 'session.cancel', args: parsed.data } : null;
  }
  return null;
}

/**
 * Both versions, field by field. "Theirs" is the server's row kept aside on the device while the change waited (every
 * pull that skipped the session refreshed it), so it is the server's latest known version even offline.
 */
export function compareVersions(change: StaleArgs, theirs: Session | null): StaleEdit {
  const mine: Partial<Record<ComparedField, unknown>> =
    change.name === 'session.update' ? { ...change.args.fields, status: theirs?.status ?? 'planned' } : { status: 'cancelled' };
  const base = theirs ?? null;
  const fields = COMPARED_FIELDS.filter((f) => f in mine || change.name === 'session.cancel').map((field) => {
    const theirValue = base ? base[field] : null;
    // A cancellation changes the status only; the other fields are the server's, shown for context.
    const mineValue = field in mine ? mine[field] : theirValue;
    return { field, mine: mineValue, theirs: theirValue, differs: !sameValue(mineValue, theirValue) };
  });
  return { change, theirs: base, mine, fields };
}

/** The server's version of a session kept on the device, else the session row itself. */
export async function serverVersionOf(db: TruongAnDb, sessionId: string): Promise<Session | null> {
  const kept = await db.serverRows.get(['session', sessionId]);
  const row = kept ? kept.row : await db.entity('session').get(sessionId);
  if (!row) return null;
  const parsed = SessionSchema.safeParse(row);
  return parsed.success ? parsed.data : null;
}

/** "Giữ bản của tôi": the same change, now based on the server's current revision. */
export function keepMineArgs(change: StaleArgs, theirs: Session): MutationArgs<'session.update'> | MutationArgs<'session.cancel'> {
  return { ...change.args, baseRevision: theirs.revision };
}
