import { childConsentRequired } from '../../../shared/domain/consent';
import { hanoiDate } from '../../../shared/time';
import { reserveVersions } from '../../db/versions';
import { idChunks } from '../batching';
import { REJECTION } from '../reasons';
import type { Decision, MutationHandler } from './handler';
import { ORG_REJECTION } from './org-reasons';

/** A device clock this far ahead is wrong: such a record is timed at its arrival (as attendance marks are). */
const MAX_CLOCK_AHEAD_MS = 5 * 60_000;

/**
 * `consent.record`: a student's photo / signature consent, recorded by the school's teachers (who collect the
 * forms in class), its principal, or an officer covering it. A new row each time: the newest is in force, and
 * the older ones stay as the record of what was agreed when.
 */
export const consentRecordHandler: MutationHandler<'consent.record'> = {
  name: 'consent.record',

  async prepare(trx, mutations, access, meta) {
    const persons = new Map<string, { school_id: string; kind: string; birth_year: number | null }>();
    for (const chunk of idChunks(mutations.map((m) => m.args.personId))) {
      const rows = await trx.selectFrom('persons').select(['id', 'school_id', 'kind', 'birth_year']).where('id', 'in', chunk).execute();
      for (const r of rows) persons.set(r.id, r);
    }
    const taken = new Set<string>();
    for (const chunk of idChunks(mutations.map((m) => m.args.id))) {
      const rows = await trx.selectFrom('consents').select('id').where('id', 'in', chunk).execute();
      for (const r of rows) taken.add(r.id);
    }
    const today = hanoiDate(meta.receivedAt);
    return {
      decide(m): Decision {
        const p = persons.get(m.args.personId);
        if (!p || !(access.canRecordAt(p.school_id) || access.canManagePeople(p.school_id))) {
          return { ok: false, reason: REJECTION.notFound };
        }
        if (p.kind !== 'student') return { ok: false, reason: ORG_REJECTION.notStudent };
        if (taken.has(m.args.id)) return { ok: false, reason: REJECTION.idReused };
        // A child under 7 is not asked (Luật Trẻ em): an answer recorded for one would be mistaken for consent.
        if (m.args.childConsent !== null && !childConsentRequired(p.birth_year, today)) {
          return { ok: false, reason: REJECTION.invalidArgs('childConsent: trẻ dưới 7 tuổi không cần ý kiến riêng (under 7: leave empty)') };
        }
        taken.add(m.args.id);
        return { ok: true, stream: p.school_id };
      },
      async apply(t, accepted) {
        const count = new Map<string, number>();
        for (const m of accepted) count.set(m.stream, (count.get(m.stream) ?? 0) + 1);
        const next = new Map<string, number>();
        for (const stream of [...count.keys()].sort()) next.set(stream, await reserveVersions(t, stream, count.get(stream)!));
        const received = Date.parse(meta.receivedAt);
        for (const m of accepted) {
          const version = next.get(m.stream)!;
          next.set(m.stream, version + 1);
          const observed = Date.parse(m.clientTime);
          await t
            .insertInto('consents')
            .values({
              id: m.args.id,
              person_id: m.args.personId,
              school_id: m.stream,
              kind: m.args.kind,
              child_consent: m.args.childConsent === null ? null : m.args.childConsent ? 1 : 0,
              parent_consent: m.args.parentConsent ? 1 : 0,
              recorded_at: observed - received > MAX_CLOCK_AHEAD_MS ? meta.receivedAt : new Date(observed).toISOString(),
              recorded_by: meta.userId,
              note: m.args.note,
              stream: m.stream,
              version,
            })
            .execute();
        }
      },
    };
  },
};
