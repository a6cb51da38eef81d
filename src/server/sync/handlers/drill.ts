import type { Transaction } from 'kysely';
import {
  allClearProblem,
  drillHeadcountId,
  drillRecordId,
  evacuationSeconds,
  headcountProblem,
  recordCounts,
} from '../../../shared/drill';
import { newId } from '../../../shared/domain/ids';
import type { Access } from '../../auth/access';
import type { Database, DrillRecordTable } from '../../db/schema';
import { reserveVersions } from '../../db/versions';
import { idChunks } from '../batching';
import { REJECTION } from '../reasons';
import type { AuthorisedMutation, BatchMeta, Decision, MutationHandler, PendingMutation, PreparedMutations } from './handler';

type DrillName = 'drill.start' | 'drill.headcount' | 'drill.allClear' | 'drill.observe';

/** A device clock this far ahead of the server is wrong: its times are refused, or taken at arrival for reports. */
const MAX_CLOCK_AHEAD_MS = 5 * 60_000;

const invalid = (field: string, message: string) => REJECTION.invalidArgs(`${field}: ${message}`);

/** Reasons a drill mutation is refused, Vietnamese first as the device's "needs attention" list shows them. */
export const DRILL_REJECTION = {
  notDrill: invalid('sessionId', 'buổi này không phải buổi diễn tập (not a drill session)'),
  schoolNeeded: invalid('schoolId', 'buổi chung cho nhiều trường: cần nêu trường diễn tập (name the school)'),
  finished: invalid('alarmAt', 'buổi diễn tập đã kết thúc, không bắt đầu lại được (the drill is already over)'),
  future: (field: string) => invalid(field, 'thời điểm ở tương lai (time in the future)'),
  notInClass: invalid('missingPersonIds', 'có người không thuộc lớp này (someone not in this class)'),
  tooManyPhotos: invalid('photoHashes', 'tối đa 50 ảnh cho một buổi diễn tập (at most 50 photos)'),
  scenario: invalid('scenarioCode', 'tình huống không thuộc phương án của loại hoạt động này (scenario not in the plan)'),
} as const;

interface SessionContext {
  id: string;
  school_id: string | null;
  scope_unit_id: string;
  trainer_user_id: string | null;
  status: string;
  scenario_code: string | null;
  activityCode: string | null;
  scenarios: string[];
}

interface ClassContext {
  school_id: string;
  size: number;
  students: Set<string>;
}

type RecordState = Pick<
  DrillRecordTable,
  | 'id'
  | 'school_id'
  | 'session_id'
  | 'scenario_code'
  | 'alarm_at'
  | 'all_clear_at'
  | 'evacuation_seconds'
  | 'expected_count'
  | 'accounted_count'
  | 'missing_count'
  | 'observations'
  | 'notes'
  | 'photo_hashes'
>;

const recordKey = (sessionId: string, schoolId: string) => `${sessionId}|${schoolId}`;

function scenarioCodes(text: string): string[] {
  try {
    const parsed = JSON.parse(text) as unknown;
    return Array.isArray(parsed) ? parsed.map((s) => (s as { code?: unknown }).code).filter((c): c is string => typeof c === 'string') : [];
  } catch {
    return [];
  }
}

function jsonList(text: string): string[] {
  try {
    const parsed = JSON.parse(text) as unknown;
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

async function loadSessions(trx: Transaction<Database>, ids: string[]): Promise<Map<string, SessionContext>> {
  const out = new Map<string, SessionContext>();
  for (const chunk of idChunks(ids)) {
    const rows = await trx
      .selectFrom('sessions')
      .leftJoin('activity_types', 'activity_types.id', 'sessions.activity_type_id')
      .select([
        'sessions.id as id',
        'sessions.school_id as school_id',
        'sessions.scope_unit_id as scope_unit_id',
        'sessions.trainer_user_id as trainer_user_id',
        'sessions.status as status',
        'sessions.scenario_code as scenario_code',
        'activity_types.code as activity_code',
        'activity_types.scenarios as scenarios',
      ])
      .where('sessions.id', 'in', chunk)
      .execute();
    for (const r of rows) {
      out.set(r.id, {
        id: r.id,
        school_id: r.school_id,
        scope_unit_id: r.scope_unit_id,
        trainer_user_id: r.trainer_user_id,
        status: r.status,
        scenario_code: r.scenario_code,
        activityCode: r.activity_code,
        scenarios: r.scenarios === null ? [] : scenarioCodes(r.scenarios),
      });
    }
  }
  return out;
}

async function loadRecords(trx: Transaction<Database>, sessionIds: string[]): Promise<Map<string, RecordState>> {
  const out = new Map<string, RecordState>();
  for (const chunk of idChunks(sessionIds)) {
    const rows = await trx
      .selectFrom('drill_records')
      .select([
        'id',
        'school_id',
        'session_id',
        'scenario_code',
        'alarm_at',
        'all_clear_at',
        'evacuation_seconds',
        'expected_count',
        'accounted_count',
        'missing_count',
        'observations',
        'notes',
        'photo_hashes',
      ])
      .where('session_id', 'in', chunk)
      .execute();
    for (const r of rows) out.set(recordKey(r.session_id, r.school_id), r);
  }
  return out;
}

async function loadClasses(trx: Transaction<Database>, classIds: string[]): Promise<Map<string, ClassContext>> {
  const out = new Map<string, ClassContext>();
  for (const chunk of idChunks(classIds)) {
    const classes = await trx.selectFrom('classes').select(['id', 'school_id']).where('id', 'in', chunk).execute();
    for (const c of classes) out.set(c.id, { school_id: c.school_id, size: 0, students: new Set() });
    // The class size is its active pupils today: a headcount larger than that is a typing slip, not a drill fact.
    const students = await trx
      .selectFrom('persons')
      .select(['id', 'class_id'])
      .where('class_id', 'in', chunk)
      .where('kind', '=', 'student')
      .where('status', '=', 'active')
      .execute();
    for (const s of students) {
      const c = s.class_id === null ? undefined : out.get(s.class_id);
      if (c) {
        c.size += 1;
        c.students.add(s.id);
      }
    }
  }
  return out;
}

/**
 * The school a drill mutation is about and whether the user may record there; a reason when not. Out of scope
 * reads as "not found", like a session that does not exist; only then may the answer say more.
 */
function resolveSchool(
  session: SessionContext | undefined,
  named: string | undefined,
  access: Access,
): { schoolId: string } | { reason: string } {
  if (!session) return { reason: REJECTION.notFound };
  let schoolId: string;
  if (session.school_id !== null) {
    if (named !== undefined && named !== session.school_id) return { reason: REJECTION.notFound };
    schoolId = session.school_id;
  } else {
    if (named === undefined) {
      // Only someone who may record at one of the session's schools learns more than "not found".
      const concerned =
        access.isAdmin ||
        session.trainer_user_id === access.userId ||
        access.principal.grants.some(
          (g) => access.canRecordAt(g.unitId) && access.tree.streamsAbove(g.unitId).includes(session.scope_unit_id),
        );
      return { reason: concerned ? DRILL_REJECTION.schoolNeeded : REJECTION.notFound };
    }
    if (!access.tree.isSchool(named) || !access.tree.streamsAbove(named).includes(session.scope_unit_id)) {
      return { reason: REJECTION.notFound };
    }
    schoolId = named;
  }
  if (!(access.canRecordAt(schoolId) || session.trainer_user_id === access.userId)) return { reason: REJECTION.notFound };
  if (session.activityCode !== 'drill') return { reason: DRILL_REJECTION.notDrill };
  if (session.status === 'cancelled') return { reason: REJECTION.sessionCancelled };
  return { schoolId };
}

function tooFarAhead(instant: string, meta: BatchMeta): boolean {
  return Date.parse(instant) - Date.parse(meta.receivedAt) > MAX_CLOCK_AHEAD_MS;
}

function emptyRecord(session: Pick<SessionContext, 'id' | 'school_id'>, schoolId: string): RecordState {
  const sessionId = session.id;
  return {
    id: drillRecordId(sessionId, session.school_id === null ? schoolId : null),
    school_id: schoolId,
    session_id: sessionId,
    scenario_code: null,
    alarm_at: null,
    all_clear_at: null,
    evacuation_seconds: null,
    expected_count: 0,
    accounted_count: 0,
    missing_count: 0,
    observations: '[]',
    notes: null,
    photo_hashes: '[]',
  };
}

/** Versions handed out one by one from blocks reserved per stream in sorted order (every writer locks so). */
async function versionSource(trx: Transaction<Database>, needs: Map<string, number>): Promise<(stream: string) => number> {
  const next = new Map<string, number>();
  for (const stream of [...needs.keys()].sort()) next.set(stream, await reserveVersions(trx, stream, needs.get(stream)!));
  return (stream) => {
    const v = next.get(stream);
    if (v === undefined) throw new Error(`no versions reserved for stream ${stream}`);
    next.set(stream, v + 1);
    return v;
  };
}

async function writeRecord(trx: Transaction<Database>, r: RecordState, version: number): Promise<void> {
  const row = { ...r, stream: r.school_id, version };
  await trx
    .insertInto('drill_records')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['school_id', 'session_id']).doUpdateSet({
        scenario_code: row.scenario_code,
        alarm_at: row.alarm_at,
        all_clear_at: row.all_clear_at,
        evacuation_seconds: row.evacuation_seconds,
        expected_count: row.expected_count,
        accounted_count: row.accounted_count,
        missing_count: row.missing_count,
        observations: row.observations,
        notes: row.notes,
        photo_hashes: row.photo_hashes,
        stream: row.stream,
        version: row.version,
      }),
    )
    .execute();
}

/**
 * The shared shape of the record-level drill mutations (start, all clear, observe): load the sessions and their
 * records, judge each mutation in batch order against the record as the accepted ones before it left it, and
 * write each accepted mutation's record under a new version of the school's stream.
 */
function recordHandler<N extends 'drill.start' | 'drill.allClear' | 'drill.observe'>(
  name: N,
  judge: (m: PendingMutation<N>, session: SessionContext, record: RecordState, meta: BatchMeta) => string | RecordState,
): MutationHandler<N> {
  return {
    name,
    async prepare(trx, mutations, access, meta): Promise<PreparedMutations<N>> {
      const ids = mutations.map((m) => m.args.sessionId);
      const sessions = await loadSessions(trx, ids);
      const records = await loadRecords(trx, ids);
      const results = new Map<string, RecordState>();
      return {
        decide(m): Decision {
          const session = sessions.get(m.args.sessionId);
          const place = resolveSchool(session, m.args.schoolId, access);
          if ('reason' in place) return { ok: false, reason: place.reason };
          const key = recordKey(m.args.sessionId, place.schoolId);
          const verdict = judge(m, session!, records.get(key) ?? emptyRecord(session!, place.schoolId), meta);
          if (typeof verdict === 'string') return { ok: false, reason: verdict };
          records.set(key, verdict);
          results.set(m.id, verdict);
          return { ok: true, stream: place.schoolId };
        },
        async apply(t, accepted) {
          if (accepted.length === 0) return;
          const needs = new Map<string, number>();
          for (const m of accepted) needs.set(m.stream, (needs.get(m.stream) ?? 0) + 1);
          const version = await versionSource(t, needs);
          for (const m of accepted) {
            const state = results.get(m.id);
            if (state) await writeRecord(t, state, version(m.stream));
          }
        },
      };
    },
  };
}

/** `drill.start`: the alarm time and the scenario; a correction while the drill runs, never after its all clear. */
export const drillStartHandler = recordHandler('drill.start', (m, session, record, meta) => {
  if (record.all_clear_at !== null) return DRILL_REJECTION.finished;
  if (tooFarAhead(m.args.alarmAt, meta)) return DRILL_REJECTION.future('alarmAt');
  const scenario = m.args.scenarioCode ?? session.scenario_code;
  if (scenario !== null && session.scenarios.length > 0 && !session.scenarios.includes(scenario)) return DRILL_REJECTION.scenario;
  return { ...record, scenario_code: scenario, alarm_at: m.args.alarmAt, evacuation_seconds: null };
});

/** `drill.allClear`: only after the alarm; the evacuation time is computed here, whatever the device thought. */
export const drillAllClearHandler = recordHandler('drill.allClear', (m, _session, record, meta) => {
  const problem = allClearProblem(record.alarm_at, m.args.allClearAt);
  if (problem) return invalid('allClearAt', problem);
  if (tooFarAhead(m.args.allClearAt, meta)) return DRILL_REJECTION.future('allClearAt');
  return {
    ...record,
    all_clear_at: m.args.allClearAt,
    evacuation_seconds: evacuationSeconds(record.alarm_at, m.args.allClearAt),
  };
});

/**
 * `drill.observe`: the observations checklist and notes replace the record's (the latest wins); photos are added to
 * those already there, so that photos taken on two tablets all stay. A photo's bytes may arrive later through the
 * file queue: only its hash rides here.
 */
export const drillObserveHandler = recordHandler('drill.observe', (m, _session, record) => {
  const photos = [...new Set([...jsonList(record.photo_hashes), ...m.args.photoHashes])];
  if (photos.length > 50) return DRILL_REJECTION.tooManyPhotos;
  return {
    ...record,
    observations: JSON.stringify(m.args.observations),
    notes: m.args.notes === null || m.args.notes === '' ? null : m.args.notes,
    photo_hashes: JSON.stringify(photos),
  };
});

/**
 * `drill.headcount`: a class's count at the assembly point, from its homeroom teacher's tablet or the coordinator's.
 * Reports may arrive before the start (another tablet, another connection): they are kept and counted all the same.
 * The latest report of a class wins its row; every report goes to the history; the drill record's totals are
 * recomputed from the class rows.
 */
export const drillHeadcountHandler: MutationHandler<'drill.headcount'> = {
  name: 'drill.headcount',
  async prepare(trx, mutations, access, meta): Promise<PreparedMutations<'drill.headcount'>> {
    const sessions = await loadSessions(
      trx,
      mutations.map((m) => m.args.sessionId),
    );
    const classes = await loadClasses(
      trx,
      mutations.map((m) => m.args.classId),
    );
    return {
      decide(m): Decision {
        const session = sessions.get(m.args.sessionId);
        const cls = classes.get(m.args.classId);
        if (!session || !cls) return { ok: false, reason: REJECTION.notFound };
        if (session.school_id !== null && session.school_id !== cls.school_id) return { ok: false, reason: REJECTION.notFound };
        const place = resolveSchool(session, session.school_id === null ? cls.school_id : undefined, access);
        if ('reason' in place) return { ok: false, reason: place.reason };
        const problem = headcountProblem(m.args, cls.size);
        if (problem) return { ok: false, reason: invalid('presentCount', problem) };
        if (m.args.missingPersonIds.some((id) => !cls.students.has(id))) return { ok: false, reason: DRILL_REJECTION.notInClass };
        return { ok: true, stream: place.schoolId };
      },
      async apply(t, accepted) {
        if (accepted.length === 0) return;
        const needs = new Map<string, number>();
        for (const m of accepted) needs.set(m.stream, (needs.get(m.stream) ?? 0) + 2);
        const version = await versionSource(t, needs);
        const touched = new Map<string, { sessionId: string; schoolId: string }>();
        for (const m of accepted) {
          await writeHeadcount(t, m, meta, version(m.stream));
          touched.set(recordKey(m.args.sessionId, m.stream), { sessionId: m.args.sessionId, schoolId: m.stream });
        }
        const records = await loadRecords(
          t,
          [...touched.values()].map((x) => x.sessionId),
        );
        for (const [key, { sessionId, schoolId }] of touched) {
          const rows = await t
            .selectFrom('drill_headcounts')
            .select(['present_count', 'missing_count', 'absent_count'])
            .where('session_id', '=', sessionId)
            .where('school_id', '=', schoolId)
            .execute();
          const counts = recordCounts(
            rows.map((r) => ({ presentCount: r.present_count, missingCount: r.missing_count, absentCount: r.absent_count })),
          );
          const record = records.get(key) ?? emptyRecord(sessions.get(sessionId)!, schoolId);
          await writeRecord(
            t,
            {
              ...record,
              expected_count: counts.expectedCount,
              accounted_count: counts.accountedCount,
              missing_count: counts.missingCount,
            },
            version(schoolId),
          );
        }
      },
    };
  },
};

async function writeHeadcount(
  t: Transaction<Database>,
  m: AuthorisedMutation<'drill.headcount'>,
  meta: BatchMeta,
  version: number,
): Promise<void> {
  const reportedAt = tooFarAhead(m.clientTime, meta) ? meta.receivedAt : new Date(Date.parse(m.clientTime)).toISOString();
  const fields = {
    present_count: m.args.presentCount,
    missing_count: m.args.missingCount,
    absent_count: m.args.absentCount,
    missing_person_ids: JSON.stringify(m.args.missingPersonIds),
    reported_by: meta.userId,
    reported_at: reportedAt,
  };
  await t
    .insertInto('drill_headcounts')
    .values({
      id: drillHeadcountId(m.args.sessionId, m.args.classId),
      school_id: m.stream,
      session_id: m.args.sessionId,
      class_id: m.args.classId,
      ...fields,
      stream: m.stream,
      version,
    })
    .onConflict((oc) =>
      oc
        .columns(['school_id', 'session_id', 'class_id'])
        .doUpdateSet({ ...fields, version })
        // A report older than the one stored (a tablet that synced late) changes nothing on the row; it is in the history.
        .where('drill_headcounts.reported_at', '<=', reportedAt),
    )
    .execute();
  await t
    .insertInto('drill_headcount_history')
    .values({
      id: newId(),
      school_id: m.stream,
      session_id: m.args.sessionId,
      class_id: m.args.classId,
      ...fields,
      mutation_id: m.id,
      received_at: meta.receivedAt,
    })
    .execute();
}

export const DRILL_HANDLERS: { [N in DrillName]: MutationHandler<N> } = {
  'drill.start': drillStartHandler,
  'drill.headcount': drillHeadcountHandler,
  'drill.allClear': drillAllClearHandler,
  'drill.observe': drillObserveHandler,
};
