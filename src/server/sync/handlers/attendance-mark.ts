import type { Transaction } from 'kysely';
import { newId } from '../../../shared/domain/ids';
import type { Access } from '../../auth/access';
import type { AttendanceHistoryTable, AttendanceTable, Database } from '../../db/schema';
import { reserveVersions } from '../../db/versions';
import { chunk, idChunks, rowsPerStatement } from '../batching';
import { REJECTION } from '../reasons';
import { SessionAudienceSchema, type SessionAudience } from '../../../shared/domain/activities';
import { isInAudience, type AudienceCandidate } from '../../../shared/domain/audience';
import type { Person } from '../../../shared/domain/people';
import type { AuthorisedMutation, BatchMeta, Decision, MutationHandler, PendingMutation, PreparedMutations } from './handler';

/**
 * A device clock this far ahead of the server is wrong, not early: such a mark is timed at its arrival instead,
 * or it would win "latest observation wins" against every honest mark made after it.
 */
const MAX_CLOCK_AHEAD_MS = 5 * 60_000;

interface SessionContext {
  school_id: string | null;
  scope_unit_id: string;
  trainer_user_id: string | null;
  status: string;
  audience: SessionAudience | null;
}

interface PersonContext {
  school_id: string;
  status: string;
  kind: string;
  class_id: string | null;
  role_tags: string;
}

/** One attendance mark as stored: what the upsert and the history row are made of. */
export interface AttendanceMark {
  mutationId: string;
  schoolId: string;
  sessionId: string;
  personId: string;
  status: string;
  note: string | null;
  markedBy: string;
  markedAt: string;
}

/**
 * `attendance.mark`: a fact about a person at a time. The latest observation wins the attendance row (ties go
 * to the later write), and every mark, older ones included, is kept in attendance_history for the principal.
 */
export const attendanceMarkHandler: MutationHandler<'attendance.mark'> = {
  name: 'attendance.mark',

  async prepare(trx, mutations, access, meta): Promise<PreparedMutations<'attendance.mark'>> {
    const sessions = new Map<string, SessionContext>();
    for (const ids of idChunks(mutations.map((m) => m.args.sessionId))) {
      const rows = await trx
        .selectFrom('sessions')
        .select(['id', 'school_id', 'scope_unit_id', 'trainer_user_id', 'status', 'audience'])
        .where('id', 'in', ids)
        .execute();
      for (const r of rows) sessions.set(r.id, { ...r, audience: audienceOf(r.audience) });
    }
    const persons = new Map<string, PersonContext>();
    for (const ids of idChunks(mutations.map((m) => m.args.personId))) {
      const rows = await trx
        .selectFrom('persons')
        .select(['id', 'school_id', 'status', 'kind', 'class_id', 'role_tags'])
        .where('id', 'in', ids)
        .execute();
      for (const r of rows) persons.set(r.id, r);
    }
    const audience = await loadAudienceFacts(trx, [...persons.entries()]);
    const above = new Map<string, string[]>();
    const streamsAbove = (schoolId: string): string[] => {
      let list = above.get(schoolId);
      if (!list) {
        list = access.tree.streamsAbove(schoolId);
        above.set(schoolId, list);
      }
      return list;
    };

    return {
      decide: (m) =>
        decide(m, sessions.get(m.args.sessionId), persons.get(m.args.personId), access, streamsAbove, audience),
      apply: (t, accepted) =>
        writeAttendanceMarks(
          t,
          accepted.map((m) => toMark(m, meta)),
          meta,
        ),
    };
  },
};

function decide(
  m: PendingMutation<'attendance.mark'>,
  session: SessionContext | undefined,
  person: PersonContext | undefined,
  access: Access,
  streamsAbove: (schoolId: string) => string[],
  facts: AudienceFacts,
): Decision {
  if (!person || !session) return { ok: false, reason: REJECTION.notFound };
  const concernsSchool =
    session.school_id === person.school_id ||
    (session.school_id === null && streamsAbove(person.school_id).includes(session.scope_unit_id));
  if (!concernsSchool) return { ok: false, reason: REJECTION.notFound };
  const mayRecord = access.canRecordAt(person.school_id) || session.trainer_user_id === access.userId;
  if (!mayRecord) return { ok: false, reason: REJECTION.notFound };
  // Only now, when the user may see both, may the answer say more than "not found".
  if (person.status !== 'active') return { ok: false, reason: REJECTION.personLeft };
  if (session.status === 'cancelled') return { ok: false, reason: REJECTION.sessionCancelled };
  // A mark for someone the session's roster would never list (another class, a parent of another class) is a
  // mistake or a forged change: refused with the reason, so the device keeps it in "needs attention".
  if (!session.audience || !isInAudience(session.audience, candidateOf(m.args.personId, person, facts), facts.gradeOf)) {
    return { ok: false, reason: REJECTION.notInAudience };
  }
  return { ok: true, stream: person.school_id };
}

function audienceOf(text: string): SessionAudience | null {
  try {
    const parsed = SessionAudienceSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Grades of the classes the marked people (and the children of marked parents) are in, and parents' children's classes. */
interface AudienceFacts {
  gradeOf: (classId: string) => number | undefined;
  childClasses: Map<string, (string | null)[]>;
}

async function loadAudienceFacts(trx: Transaction<Database>, persons: [string, PersonContext][]): Promise<AudienceFacts> {
  const childClasses = new Map<string, (string | null)[]>();
  const parents = persons.filter(([, p]) => p.kind === 'parent').map(([id]) => id);
  for (const ids of idChunks(parents)) {
    const rows = await trx
      .selectFrom('person_links')
      .innerJoin('persons', 'persons.id', 'person_links.student_id')
      .select(['person_links.parent_id as parent_id', 'persons.class_id as class_id'])
      .where('person_links.parent_id', 'in', ids)
      .where('persons.status', '=', 'active')
      .execute();
    for (const r of rows) {
      const list = childClasses.get(r.parent_id) ?? [];
      list.push(r.class_id);
      childClasses.set(r.parent_id, list);
    }
  }
  const classIds = new Set<string>();
  for (const [, p] of persons) if (p.class_id) classIds.add(p.class_id);
  for (const list of childClasses.values()) for (const c of list) if (c) classIds.add(c);
  const grades = new Map<string, number>();
  for (const ids of idChunks([...classIds])) {
    const rows = await trx.selectFrom('classes').select(['id', 'grade']).where('id', 'in', ids).execute();
    for (const r of rows) grades.set(r.id, r.grade);
  }
  return { gradeOf: (id) => grades.get(id), childClasses };
}

function candidateOf(personId: string, person: PersonContext, facts: AudienceFacts): AudienceCandidate {
  let roleTags: Person['roleTags'] = [];
  try {
    const parsed = JSON.parse(person.role_tags) as unknown;
    if (Array.isArray(parsed)) roleTags = parsed as Person['roleTags'];
  } catch {
    // Unreadable tags: the person simply has none (not youth-education staff).
  }
  return {
    id: personId,
    kind: person.kind as Person['kind'],
    classId: person.class_id,
    roleTags,
    childClassIds: facts.childClasses.get(personId) ?? [],
  };
}

function toMark(m: AuthorisedMutation<'attendance.mark'>, meta: BatchMeta): AttendanceMark {
  const received = Date.parse(meta.receivedAt);
  const observed = Date.parse(m.clientTime);
  const markedAt = observed - received > MAX_CLOCK_AHEAD_MS ? meta.receivedAt : new Date(observed).toISOString();
  return {
    mutationId: m.id,
    schoolId: m.stream,
    sessionId: m.args.sessionId,
    personId: m.args.personId,
    status: m.args.status,
    note: m.args.note ?? null,
    markedBy: meta.userId,
    markedAt,
  };
}

/**
 * Writes marks, in the order given, inside the caller's transaction: every mark to the history, and per
 * (session, person) the latest one to the attendance row under a new version of the school's stream.
 * Exported for tests that drive writers by hand.
 */
export async function writeAttendanceMarks(
  trx: Transaction<Database>,
  marks: AttendanceMark[],
  meta: Pick<BatchMeta, 'clientId' | 'receivedAt' | 'statements'>,
): Promise<void> {
  if (marks.length === 0) return;

  // One row per (session, person) per statement: PostgreSQL refuses an upsert that touches a row twice.
  // Ties go to the later mark of the batch, as they would had the marks come in separate requests.
  const latest = new Map<string, AttendanceMark>();
  for (const mark of marks) {
    const key = `${mark.sessionId}|${mark.personId}`;
    const held = latest.get(key);
    if (!held || mark.markedAt >= held.markedAt) latest.set(key, mark);
  }
  const byStream = new Map<string, AttendanceMark[]>();
  for (const mark of latest.values()) {
    const list = byStream.get(mark.schoolId) ?? [];
    list.push(mark);
    byStream.set(mark.schoolId, list);
  }

  // Streams locked in one order by every writer, so two batches never wait on each other in a cycle.
  const rows: AttendanceTable[] = [];
  for (const stream of [...byStream.keys()].sort()) {
    const list = byStream.get(stream)!;
    const first = await reserveVersions(trx, stream, list.length);
    list.forEach((mark, i) => {
      rows.push({
        id: newId(),
        school_id: mark.schoolId,
        session_id: mark.sessionId,
        person_id: mark.personId,
        status: mark.status,
        note: mark.note,
        marked_by: mark.markedBy,
        marked_at: mark.markedAt,
        stream,
        version: first + i,
      });
    });
  }
  for (const part of chunk(rows, rowsPerStatement(10))) {
    await meta.statements.run(trx, 'attendance.upsert', part, (values) =>
      trx
        .insertInto('attendance')
        .values(values)
        .onConflict((oc) =>
          oc
            .columns(['session_id', 'person_id'])
            .doUpdateSet((eb) => ({
              school_id: eb.ref('excluded.school_id'),
              status: eb.ref('excluded.status'),
              note: eb.ref('excluded.note'),
              marked_by: eb.ref('excluded.marked_by'),
              marked_at: eb.ref('excluded.marked_at'),
              stream: eb.ref('excluded.stream'),
              version: eb.ref('excluded.version'),
            }))
            // An older observation arriving late changes nothing on the row (its version is simply unused).
            .whereRef('excluded.marked_at', '>=', 'attendance.marked_at'),
        ),
    );
  }

  const history: AttendanceHistoryTable[] = marks.map((mark) => ({
    id: newId(),
    school_id: mark.schoolId,
    session_id: mark.sessionId,
    person_id: mark.personId,
    status: mark.status,
    note: mark.note,
    marked_by: mark.markedBy,
    marked_at: mark.markedAt,
    mutation_id: mark.mutationId,
    client_id: meta.clientId,
    received_at: meta.receivedAt,
  }));
  for (const part of chunk(history, rowsPerStatement(11))) {
    await meta.statements.run(trx, 'attendance_history.insert', part, (values) =>
      trx.insertInto('attendance_history').values(values),
    );
  }
}
