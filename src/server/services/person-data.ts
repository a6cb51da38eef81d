import type { Kysely, Transaction } from 'kysely';
import type { Access } from '../auth/access';
import type { Database } from '../db/schema';
import { reserveVersions } from '../db/versions';
import type { FileStore } from '../files/file-store';
import { notFound } from '../http/errors';
import { toSharedRows } from '../sync/rows';
import { writeAudit } from './audit';

/**
 * A person's personal data (Luật 91/2025): the right of access (export everything held about them) and the right
 * to erasure (remove the person, their marks, commitments, consents and signatures, and every mention of them,
 * here and, through tombstones and new row versions, on every device at its next pull). Both leave an audit entry
 * that names the person by id only.
 */

type Db = Kysely<Database>;

const hasId = (json: string, id: string): boolean => {
  try {
    const list = JSON.parse(json) as unknown;
    return Array.isArray(list) && list.includes(id);
  } catch {
    return false;
  }
};

async function loadPersonInScope(db: Db | Transaction<Database>, access: Access, personId: string) {
  const person = await db.selectFrom('persons').selectAll().where('id', '=', personId).executeTakeFirst();
  // Out of scope answers like not found: the caller learns nothing about who exists elsewhere.
  if (!person || !access.canManagePeople(person.school_id)) throw notFound('Không tìm thấy người này (person not found)');
  return person;
}

export interface PersonExport {
  exportedAt: string;
  person: unknown;
  links: { parentId: string; studentId: string }[];
  attendance: unknown[];
  attendanceHistory: { sessionId: string; status: string; note: string | null; markedAt: string; markedBy: string }[];
  commitments: unknown[];
  /** Commitments of others this person signed as a parent. */
  signedForOthers: unknown[];
  consents: unknown[];
  drillMentions: { sessionId: string; classId: string; reportedAt: string }[];
  accounts: { username: string; active: boolean }[];
}

export class PersonDataService {
  constructor(
    private readonly db: Db,
    private readonly files: FileStore | null,
  ) {}

  /** Everything held about one person, as JSON; the export itself is audited (who, whose id, when). */
  async exportPerson(access: Access, personId: string): Promise<PersonExport> {
    const db = this.db;
    const person = await loadPersonInScope(db, access, personId);
    const [personRow] = await toSharedRows(db, 'person', [person]);
    const links = await db
      .selectFrom('person_links')
      .select(['parent_id', 'student_id'])
      .where((eb) => eb.or([eb('parent_id', '=', personId), eb('student_id', '=', personId)]))
      .execute();
    const attendance = await db.selectFrom('attendance').selectAll().where('person_id', '=', personId).orderBy('marked_at').execute();
    const history = await db
      .selectFrom('attendance_history')
      .select(['session_id', 'status', 'note', 'marked_at', 'marked_by'])
      .where('person_id', '=', personId)
      .orderBy('marked_at')
      .execute();
    const commitments = await db.selectFrom('commitments').selectAll().where('person_id', '=', personId).execute();
    const signed = await db.selectFrom('commitments').selectAll().where('signer_person_id', '=', personId).execute();
    const consents = await db.selectFrom('consents').selectAll().where('person_id', '=', personId).orderBy('recorded_at').execute();
    const headcounts = await db
      .selectFrom('drill_headcounts')
      .select(['session_id', 'class_id', 'reported_at', 'missing_person_ids'])
      .where('school_id', '=', person.school_id)
      .where('missing_person_ids', 'like', `%${personId}%`)
      .execute();
    const accounts = await db.selectFrom('users').select(['username', 'active']).where('person_id', '=', personId).execute();

    await writeAudit(db, {
      userId: access.userId,
      action: 'person.export',
      entity: 'person',
      entityId: personId,
      schoolId: person.school_id,
    });
    return {
      exportedAt: new Date().toISOString(),
      person: personRow,
      links: links.map((l) => ({ parentId: l.parent_id, studentId: l.student_id })),
      attendance: await toSharedRows(db, 'attendance', attendance),
      attendanceHistory: history.map((h) => ({
        sessionId: h.session_id,
        status: h.status,
        note: h.note,
        markedAt: h.marked_at,
        markedBy: h.marked_by,
      })),
      commitments: await toSharedRows(db, 'commitment', commitments),
      signedForOthers: await toSharedRows(db, 'commitment', signed),
      consents: await toSharedRows(db, 'consent', consents),
      drillMentions: headcounts
        .filter((h) => hasId(h.missing_person_ids, personId))
        .map((h) => ({ sessionId: h.session_id, classId: h.class_id, reportedAt: h.reported_at })),
      accounts: accounts.map((a) => ({ username: a.username, active: a.active === 1 })),
    };
  }

  /**
   * Erases one person everywhere, in one transaction. Synced rows that go get a tombstone in their stream (devices
   * delete them at the next pull); synced rows that only mentioned the person get a new version without the mention.
   * Signature images of the person are removed from the file store after the commit (a crash in between leaves
   * unreferenced bytes, never a reference to missing bytes). Returns what was removed, as counts only.
   */
  async erasePerson(access: Access, personId: string): Promise<Record<string, number>> {
    const now = new Date().toISOString();
    const result = await this.db.transaction().execute(async (trx) => {
      const person = await loadPersonInScope(trx, access, personId);
      const counts: Record<string, number> = {};
      const tombstones: { entity: string; id: string; stream: string }[] = [];
      // Row versions to bump, written once the versions are reserved (streams locked in sorted order).
      const bumps: { stream: string; write: (version: number) => Promise<unknown> }[] = [];

      const attendance = await trx.selectFrom('attendance').select(['id', 'stream']).where('person_id', '=', personId).execute();
      for (const a of attendance) tombstones.push({ entity: 'attendance', id: a.id, stream: a.stream });
      await trx.deleteFrom('attendance').where('person_id', '=', personId).execute();
      counts.attendance = attendance.length;
      const history = await trx.deleteFrom('attendance_history').where('person_id', '=', personId).executeTakeFirst();
      counts.attendanceHistory = Number(history.numDeletedRows);

      // Their own commitments go, with the signature image. Commitments they signed as a parent for a child stay (the
      // child's fact), but lose the signer and the image of this person's signature.
      const own = await trx
        .selectFrom('commitments')
        .select(['id', 'stream', 'signature_hash'])
        .where('person_id', '=', personId)
        .execute();
      for (const c of own) tombstones.push({ entity: 'commitment', id: c.id, stream: c.stream });
      await trx.deleteFrom('commitments').where('person_id', '=', personId).execute();
      const signedForOthers = await trx
        .selectFrom('commitments')
        .select(['id', 'stream', 'signature_hash'])
        .where('signer_person_id', '=', personId)
        .execute();
      for (const c of signedForOthers) {
        bumps.push({
          stream: c.stream,
          write: (version) =>
            trx
              .updateTable('commitments')
              .set({ signer_person_id: null, signature_hash: null, version })
              .where('id', '=', c.id)
              .execute(),
        });
      }
      counts.commitments = own.length + signedForOthers.length;
      const signatureHashes = [...own, ...signedForOthers].flatMap((c) => (c.signature_hash ? [c.signature_hash] : []));

      const consents = await trx.selectFrom('consents').select(['id', 'stream']).where('person_id', '=', personId).execute();
      for (const c of consents) tombstones.push({ entity: 'consent', id: c.id, stream: c.stream });
      await trx.deleteFrom('consents').where('person_id', '=', personId).execute();
      counts.consents = consents.length;

      // Parents' rows carry their students' ids: a student's parents get a new version without the link.
      const links = await trx
        .selectFrom('person_links')
        .select(['parent_id', 'student_id'])
        .where((eb) => eb.or([eb('parent_id', '=', personId), eb('student_id', '=', personId)]))
        .execute();
      await trx
        .deleteFrom('person_links')
        .where((eb) => eb.or([eb('parent_id', '=', personId), eb('student_id', '=', personId)]))
        .execute();
      counts.links = links.length;
      const parents = links.filter((l) => l.student_id === personId).map((l) => l.parent_id);
      if (parents.length > 0) {
        const rows = await trx.selectFrom('persons').select(['id', 'stream']).where('id', 'in', parents).execute();
        for (const p of rows) {
          bumps.push({
            stream: p.stream,
            write: (version) => trx.updateTable('persons').set({ version, updated_at: now }).where('id', '=', p.id).execute(),
          });
        }
      }

      // A person is only ever named by rows of their own school: the school filter keeps these to its index.
      const homeroomOf = await trx
        .selectFrom('classes')
        .select(['id', 'stream'])
        .where('school_id', '=', person.school_id)
        .where('homeroom_person_id', '=', personId)
        .execute();
      for (const c of homeroomOf) {
        bumps.push({
          stream: c.stream,
          write: (version) => trx.updateTable('classes').set({ homeroom_person_id: null, version }).where('id', '=', c.id).execute(),
        });
      }
      const facilitated = await trx
        .selectFrom('sessions')
        .select(['id', 'stream'])
        .where('facilitator_person_id', '=', personId)
        .execute();
      for (const s of facilitated) {
        bumps.push({
          stream: s.stream,
          write: (version) =>
            trx.updateTable('sessions').set({ facilitator_person_id: null, version, updated_at: now }).where('id', '=', s.id).execute(),
        });
      }

      // A drill's headcount keeps its numbers (the pupil was missing) but no longer names them.
      const headcounts = await trx
        .selectFrom('drill_headcounts')
        .select(['id', 'stream', 'missing_person_ids'])
        .where('school_id', '=', person.school_id)
        .where('missing_person_ids', 'like', `%${personId}%`)
        .execute();
      let mentions = 0;
      for (const h of headcounts) {
        if (!hasId(h.missing_person_ids, personId)) continue;
        mentions += 1;
        const kept = (JSON.parse(h.missing_person_ids) as string[]).filter((id) => id !== personId);
        bumps.push({
          stream: h.stream,
          write: (version) =>
            trx
              .updateTable('drill_headcounts')
              .set({ missing_person_ids: JSON.stringify(kept), version })
              .where('id', '=', h.id)
              .execute(),
        });
      }
      const historyMentions = await trx
        .selectFrom('drill_headcount_history')
        .select(['id', 'missing_person_ids'])
        .where('school_id', '=', person.school_id)
        .where('missing_person_ids', 'like', `%${personId}%`)
        .execute();
      for (const h of historyMentions) {
        if (!hasId(h.missing_person_ids, personId)) continue;
        mentions += 1;
        const kept = (JSON.parse(h.missing_person_ids) as string[]).filter((id) => id !== personId);
        await trx.updateTable('drill_headcount_history').set({ missing_person_ids: JSON.stringify(kept) }).where('id', '=', h.id).execute();
      }
      counts.drillMentions = mentions;

      // An account of this person is closed and no longer carries their name: it cannot sign in again.
      const accounts = await trx.selectFrom('users').select('id').where('person_id', '=', personId).execute();
      for (const u of accounts) {
        await trx
          .updateTable('users')
          .set({ person_id: null, active: 0, username: `xoa-${u.id}`, display_name: '(đã xoá)', updated_at: now })
          .where('id', '=', u.id)
          .execute();
        await trx.updateTable('auth_tokens').set({ revoked_at: now }).where('user_id', '=', u.id).where('revoked_at', 'is', null).execute();
      }
      counts.accounts = accounts.length;

      tombstones.push({ entity: 'person', id: personId, stream: person.stream });
      await trx.deleteFrom('persons').where('id', '=', personId).execute();

      // Versions: every stream touched, in sorted order (the lock order of every writer).
      const perStream = new Map<string, number>();
      for (const t of tombstones) perStream.set(t.stream, (perStream.get(t.stream) ?? 0) + 1);
      for (const b of bumps) perStream.set(b.stream, (perStream.get(b.stream) ?? 0) + 1);
      const next = new Map<string, number>();
      for (const stream of [...perStream.keys()].sort()) next.set(stream, await reserveVersions(trx, stream, perStream.get(stream)!));
      const take = (stream: string): number => {
        const v = next.get(stream)!;
        next.set(stream, v + 1);
        return v;
      };
      for (const b of bumps) await b.write(take(b.stream));
      for (const t of tombstones) {
        const values = { stream: t.stream, version: take(t.stream), deleted_at: now };
        await trx
          .insertInto('tombstones')
          .values({ entity: t.entity, id: t.id, ...values })
          .onConflict((oc) => oc.columns(['entity', 'id']).doUpdateSet(values))
          .execute();
      }

      // Signature images no other row still refers to: their bookkeeping goes now, their bytes after the commit.
      const orphaned: string[] = [];
      for (const hash of new Set(signatureHashes)) {
        const still = await trx.selectFrom('commitments').select('id').where('signature_hash', '=', hash).executeTakeFirst();
        if (still) continue;
        orphaned.push(hash);
        await trx.deleteFrom('file_uploaders').where('sha256', '=', hash).execute();
        await trx.deleteFrom('uploads').where('sha256', '=', hash).execute();
        await trx.deleteFrom('stored_files').where('sha256', '=', hash).execute();
      }
      counts.signatureFiles = orphaned.length;

      await writeAudit(trx, {
        userId: access.userId,
        action: 'person.erase',
        entity: 'person',
        entityId: personId,
        schoolId: person.school_id,
        details: counts,
      });
      return { counts, orphaned };
    });

    for (const hash of result.orphaned) {
      // The rows are gone already; bytes left behind by a failure here are unreachable and harmless.
      await this.files?.remove(hash).catch(() => undefined);
    }
    return result.counts;
  }
}
