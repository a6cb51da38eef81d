import { AttendanceSchema } from '../../shared/domain';
import { newId } from '../../shared/domain/ids';
import type { MutationArgs, MutationName } from '../../shared/sync/mutations';
import type { TruongAnDb } from '../db/database';
import { attendanceKey, targetOf } from '../db/keys';
import { SyncMessageError } from './messages';

export interface ApplyContext {
  db: TruongAnDb;
  userId: string;
  /** Device time corrected by the learned clock offset: what the server compares "latest observation" by. */
  clientTime: string;
}

/**
 * The local effect of one mutation, run inside the transaction that also appends it to the outbox. `targets`
 * names the rows it changes, so that they read as "chờ đồng bộ" until the server has the change.
 */
export interface Applier<N extends MutationName> {
  targets(args: MutationArgs<N>): string[];
  apply(args: MutationArgs<N>, ctx: ApplyContext): Promise<void>;
}

export const APPLIERS: { [N in MutationName]: Applier<N> } = {
  'attendance.mark': {
    targets: (args) => [targetOf('attendance', attendanceKey(args.sessionId, args.personId))],
    async apply(args, { db, userId, clientTime }) {
      const person = await db.entity('person').get(args.personId);
      if (!person) throw new SyncMessageError('unknownPerson');
      if (!(await db.entity('session').get(args.sessionId))) throw new SyncMessageError('unknownSession');
      const table = db.entity('attendance');
      const existing = await table.get([args.sessionId, args.personId]);
      // Exactly what the server will store (a mark replaces the whole observation, note included), so that the row
      // pulled back after the push shows no change.
      const note = args.note ?? null;
      const row = AttendanceSchema.parse({
        id: existing?.id ?? newId(),
        schoolId: person.schoolId,
        sessionId: args.sessionId,
        personId: args.personId,
        status: args.status,
        note,
        markedBy: userId,
        markedAt: clientTime,
      });
      await table.put(row);
    },
  },
};

export function applierFor<N extends MutationName>(name: N): Applier<N> {
  return APPLIERS[name];
}
