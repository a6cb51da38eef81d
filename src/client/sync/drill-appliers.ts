import { DrillRecordSchema, SessionSchema, type DrillRecord, type Session } from '../../shared/domain';
import {
  allClearProblem,
  drillHeadcountId,
  drillRecordId,
  DrillHeadcountSchema,
  evacuationSeconds,
  headcountProblem,
  recordCounts,
  type DrillHeadcount,
} from '../../shared/drill';
import type { MutationArgs } from '../../shared/sync/mutations';
import type { TruongAnDb } from '../db/database';
import { targetOf } from '../db/keys';
import type { Applier, ApplyContext } from './appliers';
import { SyncMessageError } from './messages';

type DrillName = 'drill.start' | 'drill.headcount' | 'drill.allClear' | 'drill.observe';

/**
 * Drill mode on the device: each mutation leaves exactly the rows the server will store (same derived ids, same
 * recomputed totals and evacuation time), and refuses here what the server would refuse, so that a refusal shows
 * on the drill screen at once instead of in "needs attention" later.
 */

/** The drill session as the server judges it: known here, a drill, not cancelled. */
async function drillSession(db: TruongAnDb, sessionId: string): Promise<Session> {
  const raw = await db.entity('session').get(sessionId);
  const parsed = raw ? SessionSchema.safeParse(raw) : null;
  if (!parsed?.success) throw new SyncMessageError('unknownSession');
  const session = parsed.data;
  const type = await db.entity('activityType').get(session.activityTypeId);
  if (type?.code !== 'drill') throw new SyncMessageError('invalidChange', { detail: 'buổi này không phải buổi diễn tập' });
  if (session.status === 'cancelled') throw new SyncMessageError('invalidChange', { detail: 'buổi này đã bị hủy' });
  return session;
}

function schoolOf(session: Session, named: string | undefined): string {
  const schoolId = session.schoolId ?? named;
  if (!schoolId) throw new SyncMessageError('invalidChange', { detail: 'schoolId: cần nêu trường diễn tập' });
  return schoolId;
}

/** The session's drill record at a school as stored here, or a new empty one with the id the server will give it. */
async function currentRecord(db: TruongAnDb, session: Session, schoolId: string): Promise<DrillRecord> {
  const rows = await db.entity('drillRecord').where('sessionId').equals(session.id).toArray();
  const found = rows.find((r) => r.schoolId === schoolId);
  const parsed = found ? DrillRecordSchema.safeParse(found) : null;
  if (parsed?.success) return parsed.data;
  return {
    id: drillRecordId(session.id, session.schoolId === null ? schoolId : null),
    schoolId,
    sessionId: session.id,
    scenarioCode: null,
    alarmAt: null,
    allClearAt: null,
    evacuationSeconds: null,
    expectedCount: 0,
    accountedCount: 0,
    missingCount: 0,
    observations: [],
    notes: null,
    photoHashes: [],
  };
}

const recordTargets = (args: { sessionId: string; schoolId?: string | undefined }) => {
  const targets = [targetOf('drillRecord', drillRecordId(args.sessionId))];
  if (args.schoolId) targets.push(targetOf('drillRecord', drillRecordId(args.sessionId, args.schoolId)));
  return targets;
};

async function putRecord(db: TruongAnDb, record: DrillRecord): Promise<void> {
  await db.entity('drillRecord').put(DrillRecordSchema.parse(record));
}

export const DRILL_APPLIERS: { [N in DrillName]: Applier<N> } = {
  'drill.start': {
    targets: recordTargets,
    async apply(args, { db }) {
      const session = await drillSession(db, args.sessionId);
      const record = await currentRecord(db, session, schoolOf(session, args.schoolId));
      if (record.allClearAt !== null) {
        throw new SyncMessageError('invalidChange', { detail: 'buổi diễn tập đã kết thúc, không bắt đầu lại được' });
      }
      await putRecord(db, {
        ...record,
        scenarioCode: args.scenarioCode ?? session.scenarioCode,
        alarmAt: args.alarmAt,
        evacuationSeconds: null,
      });
    },
  },
  'drill.headcount': {
    targets: (args) => [
      targetOf('drillHeadcount', drillHeadcountId(args.sessionId, args.classId)),
      targetOf('drillRecord', drillRecordId(args.sessionId)),
    ],
    async apply(args, ctx) {
      await applyHeadcount(args, ctx);
    },
  },
  'drill.allClear': {
    targets: recordTargets,
    async apply(args, { db }) {
      const session = await drillSession(db, args.sessionId);
      const record = await currentRecord(db, session, schoolOf(session, args.schoolId));
      const problem = allClearProblem(record.alarmAt, args.allClearAt);
      if (problem) throw new SyncMessageError('invalidChange', { detail: problem });
      await putRecord(db, {
        ...record,
        allClearAt: args.allClearAt,
        evacuationSeconds: evacuationSeconds(record.alarmAt, args.allClearAt),
      });
    },
  },
  'drill.observe': {
    targets: recordTargets,
    async apply(args, { db }) {
      const session = await drillSession(db, args.sessionId);
      const record = await currentRecord(db, session, schoolOf(session, args.schoolId));
      // Photos add up (two tablets may each take some); the checklist and the notes are replaced, as on the server.
      const photoHashes = [...new Set([...record.photoHashes, ...args.photoHashes])];
      if (photoHashes.length > 50) throw new SyncMessageError('invalidChange', { detail: 'tối đa 50 ảnh cho một buổi diễn tập' });
      await putRecord(db, {
        ...record,
        observations: args.observations,
        notes: args.notes === null || args.notes === '' ? null : args.notes,
        photoHashes,
      });
    },
  },
};

async function applyHeadcount(args: MutationArgs<'drill.headcount'>, { db, userId, clientTime }: ApplyContext): Promise<void> {
  const session = await drillSession(db, args.sessionId);
  const cls = await db.entity('class').get(args.classId);
  if (!cls || (session.schoolId !== null && cls.schoolId !== session.schoolId)) {
    throw new SyncMessageError('invalidChange', { detail: 'classId: lớp không thuộc trường của buổi diễn tập' });
  }
  const pupils = (await db.entity('person').where('classId').equals(args.classId).toArray()).filter(
    (p) => p.kind === 'student' && p.status === 'active',
  );
  const problem = headcountProblem(args, pupils.length);
  if (problem) throw new SyncMessageError('invalidChange', { detail: problem });
  const ids = new Set(pupils.map((p) => p.id));
  if (args.missingPersonIds.some((id) => !ids.has(id))) {
    throw new SyncMessageError('invalidChange', { detail: 'missingPersonIds: có người không thuộc lớp này' });
  }
  const row: DrillHeadcount = DrillHeadcountSchema.parse({
    id: drillHeadcountId(args.sessionId, args.classId),
    schoolId: cls.schoolId,
    sessionId: args.sessionId,
    classId: args.classId,
    presentCount: args.presentCount,
    missingCount: args.missingCount,
    absentCount: args.absentCount,
    missingPersonIds: args.missingPersonIds,
    reportedBy: userId,
    reportedAt: clientTime,
  });
  const table = db.entity('drillHeadcount');
  await table.put(row);
  const all = (await table.where('sessionId').equals(args.sessionId).toArray()).filter((h) => h.schoolId === cls.schoolId);
  const record = await currentRecord(db, session, cls.schoolId);
  await putRecord(db, { ...record, ...recordCounts(all) });
}
