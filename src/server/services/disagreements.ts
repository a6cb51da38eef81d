import type { Kysely } from 'kysely';
import { findDisagreements, type DisagreementsResponse, type HistoryMark } from '../../shared/domain/disagreements';
import type { AttendanceStatus } from '../../shared/domain/records';
import type { Access } from '../auth/access';
import type { Database } from '../db/schema';
import { idChunks } from '../sync/batching';

/**
 * Disagreeing marks of one session for the principal: every device's marks are in attendance_history, and the
 * people whose devices' latest marks differ are listed with all their marks. Only schools the user manages are
 * read; a session outside them answers null ("not found", like one that does not exist).
 */
export async function sessionDisagreements(
  db: Kysely<Database>,
  access: Access,
  sessionId: string,
): Promise<DisagreementsResponse | null> {
  const session = await db
    .selectFrom('sessions')
    .select(['id', 'school_id', 'scope_unit_id'])
    .where('id', '=', sessionId)
    .executeTakeFirst();
  if (!session) return null;
  const schools =
    session.school_id !== null
      ? [session.school_id]
      : access.tree.schoolsUnder(session.scope_unit_id);
  const managed = schools.filter((s) => access.canManageSchool(s));
  if (managed.length === 0) return null;

  const rows: HistoryMark[] = [];
  for (const ids of idChunks(managed)) {
    const part = await db
      .selectFrom('attendance_history')
      .select(['person_id', 'status', 'note', 'marked_by', 'marked_at', 'client_id', 'received_at'])
      .where('session_id', '=', sessionId)
      .where('school_id', 'in', ids)
      .execute();
    for (const r of part) {
      rows.push({
        personId: r.person_id,
        status: r.status as AttendanceStatus,
        note: r.note,
        markedBy: r.marked_by,
        markedAt: r.marked_at,
        clientId: r.client_id,
        receivedAt: r.received_at,
      });
    }
  }
  const found = findDisagreements(rows);
  const personIds = [...found.keys()];
  const persons = new Map<string, { full_name: string; class_id: string | null }>();
  const current = new Map<string, AttendanceStatus>();
  for (const ids of idChunks(personIds)) {
    for (const p of await db.selectFrom('persons').select(['id', 'full_name', 'class_id']).where('id', 'in', ids).execute()) {
      persons.set(p.id, p);
    }
    const marks = await db
      .selectFrom('attendance')
      .select(['person_id', 'status'])
      .where('session_id', '=', sessionId)
      .where('person_id', 'in', ids)
      .execute();
    for (const a of marks) current.set(a.person_id, a.status as AttendanceStatus);
  }
  const userIds = [...new Set([...found.values()].flat().map((m) => m.markedBy))];
  const names = new Map<string, string>();
  for (const ids of idChunks(userIds)) {
    for (const u of await db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', ids).execute()) {
      names.set(u.id, u.display_name);
    }
  }
  const collator = new Intl.Collator('vi');
  return {
    sessionId,
    people: personIds
      .map((personId) => ({
        personId,
        fullName: persons.get(personId)?.full_name ?? '',
        classId: persons.get(personId)?.class_id ?? null,
        current: current.get(personId) ?? null,
        marks: found.get(personId)!.map((m) => ({
          status: m.status,
          note: m.note,
          markedBy: m.markedBy,
          markedByName: names.get(m.markedBy) ?? null,
          markedAt: m.markedAt,
          clientId: m.clientId,
          receivedAt: m.receivedAt,
        })),
      }))
      .sort((a, b) => collator.compare(a.fullName, b.fullName)),
  };
}
