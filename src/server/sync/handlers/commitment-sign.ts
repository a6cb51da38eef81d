import { captureDecision, type Consent } from '../../../shared/domain/consent';
import { ALREADY_SIGNED_REASON, commitmentKindsFor } from '../../../shared/domain/commitments';
import { SchoolLevelSchema } from '../../../shared/domain/org';
import { hanoiDate } from '../../../shared/time';
import { reserveVersions } from '../../db/versions';
import { chunk, idChunks, rowsPerStatement } from '../batching';
import { REJECTION } from '../reasons';
import type { Decision, MutationHandler, PendingMutation } from './handler';

interface PersonContext {
  school_id: string;
  kind: string;
  status: string;
  birth_year: number | null;
}

const keyOf = (schoolYearId: string, personId: string, kind: string) => `${schoolYearId}|${personId}|${kind}`;

/**
 * `commitment.sign`: a commitment is signed once per (school year, person, kind) and then locked. The first
 * signature the server receives is kept; a later one, whatever it says, is refused with ALREADY_SIGNED_REASON (an
 * identical retry of the same mutation id is a duplicate before it gets here). The school streams of the batch are
 * locked (their versions reserved) before the signed commitments are read, so two devices signing the same person at
 * once are judged one after the other and the unique constraint `commitments_once` is never what decides.
 */
export const commitmentSignHandler: MutationHandler<'commitment.sign'> = {
  name: 'commitment.sign',

  async prepare(trx, mutations, access, meta) {
    const persons = new Map<string, PersonContext>();
    for (const ids of idChunks(mutations.map((m) => m.args.personId))) {
      const rows = await trx
        .selectFrom('persons')
        .select(['id', 'school_id', 'kind', 'status', 'birth_year'])
        .where('id', 'in', ids)
        .execute();
      for (const r of rows) persons.set(r.id, r);
    }

    // Lock (and reserve versions in) every school stream this batch may write, in sorted order like every writer.
    const perSchool = new Map<string, number>();
    for (const m of mutations) {
      const p = persons.get(m.args.personId);
      if (p && access.canRecordAt(p.school_id)) perSchool.set(p.school_id, (perSchool.get(p.school_id) ?? 0) + 1);
    }
    const nextVersion = new Map<string, number>();
    for (const school of [...perSchool.keys()].sort()) {
      nextVersion.set(school, await reserveVersions(trx, school, perSchool.get(school)!));
    }

    const years = new Map<string, string>();
    for (const ids of idChunks(mutations.map((m) => m.args.schoolYearId))) {
      const rows = await trx.selectFrom('school_years').select(['id', 'department_id']).where('id', 'in', ids).execute();
      for (const r of rows) years.set(r.id, r.department_id);
    }
    const signed = new Set<string>();
    for (const ids of idChunks(mutations.map((m) => m.args.personId))) {
      const rows = await trx
        .selectFrom('commitments')
        .select(['school_year_id', 'person_id', 'kind'])
        .where('person_id', 'in', ids)
        .execute();
      for (const r of rows) signed.add(keyOf(r.school_year_id, r.person_id, r.kind));
    }
    // A row id already taken (by another commitment) cannot be inserted again: refused, not a failed batch.
    const takenIds = new Set<string>();
    for (const ids of idChunks(mutations.map((m) => m.args.id))) {
      const rows = await trx.selectFrom('commitments').select('id').where('id', 'in', ids).execute();
      for (const r of rows) takenIds.add(r.id);
    }
    // Parents named as signers must be parents of the student.
    const links = new Set<string>();
    const signers = mutations.map((m) => m.args.signerPersonId).filter((x): x is string => typeof x === 'string');
    for (const ids of idChunks(signers)) {
      const rows = await trx.selectFrom('person_links').select(['parent_id', 'student_id']).where('parent_id', 'in', ids).execute();
      for (const r of rows) links.add(`${r.parent_id}|${r.student_id}`);
    }
    // A student's own drawn signature is their personal data: it needs the recorded signature consent.
    const consents: Consent[] = [];
    const selfSigned = mutations.filter((m) => m.args.method === 'signature' && m.args.signedBy === 'self').map((m) => m.args.personId);
    for (const ids of idChunks(selfSigned)) {
      const rows = await trx
        .selectFrom('consents')
        .selectAll()
        .where('person_id', 'in', ids)
        .where('kind', '=', 'signature')
        .execute();
      for (const r of rows) {
        consents.push({
          id: r.id,
          personId: r.person_id,
          schoolId: r.school_id,
          kind: 'signature',
          childConsent: r.child_consent === null ? null : r.child_consent === 1,
          parentConsent: r.parent_consent === 1,
          recordedAt: r.recorded_at,
          recordedBy: r.recorded_by,
          note: r.note,
        });
      }
    }
    const today = hanoiDate(meta.receivedAt);

    const decide = (m: PendingMutation<'commitment.sign'>): Decision => {
      const a = m.args;
      const person = persons.get(a.personId);
      if (!person || !access.canRecordAt(person.school_id)) return { ok: false, reason: REJECTION.notFound };
      const department = years.get(a.schoolYearId);
      if (!department || !access.tree.streamsAbove(person.school_id).includes(department)) return { ok: false, reason: REJECTION.notFound };
      if (a.signerPersonId && a.signedBy === 'parent' && !links.has(`${a.signerPersonId}|${a.personId}`)) {
        return { ok: false, reason: REJECTION.notFound };
      }
      if (person.status !== 'active') return { ok: false, reason: REJECTION.personLeft };
      const level = SchoolLevelSchema.safeParse(access.tree.get(person.school_id)?.schoolLevel);
      if (!commitmentKindsFor(level.success ? level.data : null, { kind: person.kind as 'student' }).includes(a.kind)) {
        return { ok: false, reason: REJECTION.invalidArgs('kind: người này không ký loại cam kết này') };
      }
      if (a.method === 'signature' && a.signedBy === 'self') {
        const consent = captureDecision(
          { id: a.personId, kind: person.kind as 'student', birthYear: person.birth_year },
          'signature',
          consents,
          today,
        );
        if (!consent.allowed) {
          return {
            ok: false,
            reason: REJECTION.invalidArgs(
              'method: chưa có sự đồng ý lưu chữ ký của học sinh, hãy ghi nhận bản giấy hoặc để cha mẹ ký (no signature consent)',
            ),
          };
        }
      }
      const key = keyOf(a.schoolYearId, a.personId, a.kind);
      if (signed.has(key)) return { ok: false, reason: ALREADY_SIGNED_REASON };
      if (takenIds.has(a.id)) return { ok: false, reason: REJECTION.idReused };
      takenIds.add(a.id);
      // A second signature in the same batch is judged against the first.
      signed.add(key);
      return { ok: true, stream: person.school_id };
    };

    return {
      decide,
      async apply(t, accepted) {
        if (accepted.length === 0) return;
        const rows = accepted.map((m) => {
          const version = nextVersion.get(m.stream)!;
          nextVersion.set(m.stream, version + 1);
          return {
            id: m.args.id,
            school_id: m.stream,
            school_year_id: m.args.schoolYearId,
            person_id: m.args.personId,
            kind: m.args.kind,
            signed_by: m.args.signedBy,
            signer_person_id: m.args.signerPersonId ?? null,
            method: m.args.method,
            signature_hash: m.args.signatureHash ?? null,
            signed_at: m.args.signedAt,
            device_id: m.args.deviceId,
            stream: m.stream,
            version,
          };
        });
        for (const part of chunk(rows, rowsPerStatement(13))) {
          await t.insertInto('commitments').values(part).execute();
        }
      },
    };
  },
};
