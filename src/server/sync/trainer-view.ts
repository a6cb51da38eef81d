import type { Transaction } from 'kysely';
import type { Database } from '../db/schema';
import { reserveVersions } from '../db/versions';

/**
 * A trainer runs sessions at schools whose rows they may not read. Their devices pull those sessions from a
 * stream of their own, `assigned:<userId>`, fed by every write that touches a session assigned to them: the
 * feed row names the session and takes a new version of the trainer's stream in the same transaction as the
 * session's write, so the cursor rules of the school streams hold here too.
 */
export const ASSIGNED_PREFIX = 'assigned:';

export function assignedStream(userId: string): string {
  return `${ASSIGNED_PREFIX}${userId}`;
}

export function isAssignedStream(stream: string): boolean {
  return stream.startsWith(ASSIGNED_PREFIX);
}

export interface AssignmentChange {
  sessionId: string;
  trainerUserId: string;
  /** false: the session was handed to someone else (or the trainer removed); the trainer's devices drop it. */
  assigned: boolean;
}

/** Records changes to trainers' sessions inside the caller's write transaction. Streams are locked in sorted order. */
export async function recordAssignments(trx: Transaction<Database>, changes: AssignmentChange[]): Promise<void> {
  // The last change per (trainer, session) wins: one feed row per pair.
  const latest = new Map<string, AssignmentChange>();
  for (const c of changes) latest.set(`${c.trainerUserId}|${c.sessionId}`, c);
  const byStream = new Map<string, AssignmentChange[]>();
  for (const c of latest.values()) {
    const stream = assignedStream(c.trainerUserId);
    const list = byStream.get(stream) ?? [];
    list.push(c);
    byStream.set(stream, list);
  }
  for (const stream of [...byStream.keys()].sort()) {
    const list = byStream.get(stream)!;
    const first = await reserveVersions(trx, stream, list.length);
    for (let i = 0; i < list.length; i += 500) {
      await trx
        .insertInto('trainer_session_feed')
        .values(
          list.slice(i, i + 500).map((c, j) => ({
            stream,
            session_id: c.sessionId,
            version: first + i + j,
            assigned: c.assigned ? 1 : 0,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['stream', 'session_id']).doUpdateSet((eb) => ({
            version: eb.ref('excluded.version'),
            assigned: eb.ref('excluded.assigned'),
          })),
        )
        .execute();
    }
  }
}
