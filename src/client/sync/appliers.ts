import { ActivityTypeSchema, AttendanceSchema, RequirementSchema, SessionSchema, type Session } from '../../shared/domain';
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
  'session.create': {
    targets: (args) => [targetOf('session', args.id)],
    async apply(args, { db, userId }) {
      const table = db.entity('session');
      // The id was made on this device a moment ago: a row already there means the same change was applied twice.
      if (await table.get(args.id)) throw new SyncMessageError('invalidChange', { detail: `session ${args.id} exists` });
      const { id, schoolId, scopeUnitId, schoolYearId, seriesId, ...fields } = args;
      // What the server stores for a new session: planned, revision 0, made by the signed-in user.
      const row = SessionSchema.parse({
        ...fields,
        id,
        schoolId,
        scopeUnitId,
        schoolYearId,
        seriesId,
        status: 'planned',
        revision: 0,
        createdBy: userId,
      });
      await table.put(row);
    },
  },
  'session.update': {
    targets: (args) => [targetOf('session', args.id)],
    async apply(args, { db }) {
      const existing = await localSession(db, args.id);
      // The server accepts the edit only on the revision it was based on and then bumps it: the local row takes the
      // revision the server will give it, so a second offline edit is based on the right one.
      await db.entity('session').put(SessionSchema.parse({ ...existing, ...args.fields, revision: args.baseRevision + 1 }));
    },
  },
  'session.cancel': {
    targets: (args) => [targetOf('session', args.id)],
    async apply(args, { db }) {
      const existing = await localSession(db, args.id);
      await db
        .entity('session')
        .put(SessionSchema.parse({ ...existing, status: 'cancelled', revision: args.baseRevision + 1 }));
    },
  },
  'activityType.save': {
    targets: (args) => [targetOf('activityType', args.id)],
    async apply(args, { db }) {
      // A save replaces the whole row, on the server as here.
      await db.entity('activityType').put(ActivityTypeSchema.parse(args));
    },
  },
  'requirement.save': {
    targets: (args) => [targetOf('requirement', args.id)],
    async apply(args, { db }) {
      await db.entity('requirement').put(RequirementSchema.parse(args));
    },
  },
  'requirement.remove': {
    targets: (args) => [targetOf('requirement', args.id)],
    async apply(args, { db }) {
      await db.entity('requirement').delete(args.id);
    },
  },
};

/** The session an edit applies to, as the server judges it: it must exist here and not be cancelled. */
async function localSession(db: TruongAnDb, id: string): Promise<Session> {
  const row = await db.entity('session').get(id);
  const parsed = row ? SessionSchema.safeParse(row) : null;
  if (!parsed?.success) throw new SyncMessageError('unknownSession');
  // The server refuses any edit of a cancelled session; refusing it here keeps it out of the outbox.
  if (parsed.data.status === 'cancelled') throw new SyncMessageError('invalidChange', { detail: 'status: cancelled' });
  return parsed.data;
}

export function applierFor<N extends MutationName>(name: N): Applier<N> {
  return APPLIERS[name];
}
