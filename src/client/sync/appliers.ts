import {
  ActivityTypeSchema,
  AttendanceSchema,
  RequirementSchema,
  SessionSchema,
  type Attendance,
  type Person,
  type Session,
} from '../../shared/domain';
import { newId } from '../../shared/domain/ids';
import { ClassSchema, ConsentSchema, PersonSchema, type Consent } from '../../shared/domain';
import type { MutationArgs, MutationName } from '../../shared/sync/mutations';
import type { TruongAnDb } from '../db/database';
import { attendanceKey, targetOf } from '../db/keys';
import { SyncMessageError } from './messages';
import { COMMITMENT_APPLIERS } from './commitment-appliers';
import { DRILL_APPLIERS } from './drill-appliers';

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
  /**
   * The local effect of several changes of this kind made together ("Tất cả có mặt"), the same as applying them one
   * after another in order, but with bulk reads and writes. Absent: they are applied one after another.
   */
  applyMany?(list: readonly MutationArgs<N>[], ctx: ApplyContext): Promise<void>;
}

type MarkArgs = MutationArgs<'attendance.mark'>;

/**
 * The attendance row a mark leaves on the device: exactly what the server will store (a mark replaces the whole
 * observation, note included), so that the row pulled back after the push shows no change. The row keeps the id it
 * already had on the device.
 */
function markedRow(
  args: MarkArgs,
  person: Person | undefined,
  session: Session | undefined,
  existing: Attendance | undefined,
  { userId, clientTime }: ApplyContext,
): Attendance {
  if (!person) throw new SyncMessageError('unknownPerson');
  if (!session) throw new SyncMessageError('unknownSession');
  return AttendanceSchema.parse({
    id: existing?.id ?? newId(),
    schoolId: person.schoolId,
    sessionId: args.sessionId,
    personId: args.personId,
    status: args.status,
    note: args.note ?? null,
    markedBy: userId,
    markedAt: clientTime,
  });
}

type OrgMutationName = 'class.save' | 'person.save' | 'person.move' | 'person.linkParent' | 'person.unlinkParent' | 'consent.record';

/**
 * Roster and consent appliers (issue #8). They leave on the device exactly the row the server will store, so the
 * row pulled back after the push shows no change.
 */
export const ORG_APPLIERS: { [N in OrgMutationName]: Applier<N> } = {
  'class.save': {
    targets: (args) => [targetOf('class', args.id)],
    async apply(args, { db }) {
      await db.entity('class').put(ClassSchema.parse(args));
    },
  },
  'person.save': {
    targets: (args) => [targetOf('person', args.id)],
    async apply(args, { db }) {
      const existing = await db.entity('person').get(args.id);
      // A parent's students are links, kept by their own mutations: a save leaves them as they are.
      await db.entity('person').put(PersonSchema.parse({ ...args, studentIds: existing?.studentIds ?? [] }));
    },
  },
  'person.move': {
    targets: (args) => [targetOf('person', args.personId)],
    async apply(args, { db }) {
      const person = await db.entity('person').get(args.personId);
      if (!person) throw new SyncMessageError('unknownPerson');
      await db.entity('person').put(PersonSchema.parse({ ...person, classId: args.classId }));
    },
  },
  'person.linkParent': {
    targets: (args) => [targetOf('person', args.parentId)],
    async apply(args, { db }) {
      const parent = await db.entity('person').get(args.parentId);
      if (!parent) throw new SyncMessageError('unknownPerson');
      // The server keeps links ordered by student id: so does the device, and the pulled row compares equal.
      const studentIds = [...new Set([...parent.studentIds, args.studentId])].sort();
      await db.entity('person').put(PersonSchema.parse({ ...parent, studentIds }));
    },
  },
  'person.unlinkParent': {
    targets: (args) => [targetOf('person', args.parentId)],
    async apply(args, { db }) {
      const parent = await db.entity('person').get(args.parentId);
      if (!parent) throw new SyncMessageError('unknownPerson');
      await db.entity('person').put(PersonSchema.parse({ ...parent, studentIds: parent.studentIds.filter((s) => s !== args.studentId) }));
    },
  },
  'consent.record': {
    targets: (args) => [targetOf('consent', args.id)],
    async apply(args, { db, userId, clientTime }) {
      const person = await db.entity('person').get(args.personId);
      if (!person) throw new SyncMessageError('unknownPerson');
      const row: Consent = ConsentSchema.parse({ ...args, schoolId: person.schoolId, recordedAt: clientTime, recordedBy: userId });
      await db.entity('consent').put(row);
    },
  },
};

export const APPLIERS: { [N in MutationName]: Applier<N> } = {
  ...ORG_APPLIERS,
  ...COMMITMENT_APPLIERS,
  ...DRILL_APPLIERS,
  'attendance.mark': {
    targets: (args) => [targetOf('attendance', attendanceKey(args.sessionId, args.personId))],
    async apply(args, ctx) {
      const { db } = ctx;
      const table = db.entity('attendance');
      // Three reads in one round trip: a tap waits for one answer, not three in a row.
      const [person, session, existing] = await Promise.all([
        db.entity('person').get(args.personId),
        db.entity('session').get(args.sessionId),
        table.get([args.sessionId, args.personId]),
      ]);
      await table.put(markedRow(args, person, session, existing, ctx));
    },
    async applyMany(list, ctx) {
      const { db } = ctx;
      const personIds = [...new Set(list.map((a) => a.personId))];
      const sessionIds = [...new Set(list.map((a) => a.sessionId))];
      const table = db.entity('attendance');
      const [persons, sessions, existing] = await Promise.all([
        db.entity('person').bulkGet(personIds),
        db.entity('session').bulkGet(sessionIds),
        table.bulkGet(list.map((a) => [a.sessionId, a.personId] as [string, string])),
      ]);
      const personOf = new Map(personIds.map((id, i) => [id, persons[i]]));
      const sessionOf = new Map(sessionIds.map((id, i) => [id, sessions[i]]));
      // A person marked twice in one batch: the later mark replaces the earlier and keeps its row id, as it would
      // one mark after the other.
      const rows = new Map<string, Attendance>();
      list.forEach((args, i) => {
        const key = attendanceKey(args.sessionId, args.personId);
        const before = rows.get(key) ?? existing[i];
        rows.set(key, markedRow(args, personOf.get(args.personId), sessionOf.get(args.sessionId), before, ctx));
      });
      await table.bulkPut([...rows.values()]);
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
