import { reserveVersions } from '../../db/versions';
import type { SessionTable } from '../../db/schema';
import { REJECTION } from '../reasons';
import { recordAssignments } from '../trainer-view';
import type { Decision, MutationHandler } from './handler';
import { PLAN_REJECTION } from './plan-reasons';
import { checkSessionRefs, loadRefs, loadSessions, mayPlanSession, sessionColumns } from './session-context';

/**
 * `session.create`: a principal plans a session at their school, an officer one for a whole unit (a commune, a
 * cluster, the Sở) that appears at every school under it. The id is made on the device and must be new; the
 * session starts planned, at revision 0, in the stream of its school (or of its scope unit).
 */
export const sessionCreateHandler: MutationHandler<'session.create'> = {
  name: 'session.create',

  async prepare(trx, mutations, access, meta) {
    const existing = await loadSessions(
      trx,
      mutations.map((m) => m.args.id),
    );
    const refs = await loadRefs(
      trx,
      mutations.map((m) => m.args),
      mutations.map((m) => m.args.schoolYearId),
    );
    // Ids taken by earlier creates of this batch: decide is asked in batch order.
    const taken = new Set<string>();

    return {
      decide(m): Decision {
        const a = m.args;
        if (!mayPlanSession(access, a)) return { ok: false, reason: REJECTION.notFound };
        if (a.schoolId !== null && a.scopeUnitId !== a.schoolId) {
          return { ok: false, reason: REJECTION.invalidArgs('scopeUnitId: buổi của một trường có phạm vi là chính trường đó') };
        }
        if (existing.has(a.id) || taken.has(a.id)) return { ok: false, reason: PLAN_REJECTION.sessionExists };
        const problem = checkSessionRefs(a, a, refs, access, '');
        if (problem) return { ok: false, reason: problem };
        taken.add(a.id);
        return { ok: true, stream: a.schoolId ?? a.scopeUnitId };
      },

      async apply(t, accepted) {
        const byStream = new Map<string, number>();
        for (const m of accepted) byStream.set(m.stream, (byStream.get(m.stream) ?? 0) + 1);
        const next = new Map<string, number>();
        for (const stream of [...byStream.keys()].sort()) next.set(stream, await reserveVersions(t, stream, byStream.get(stream)!));
        const rows: SessionTable[] = accepted.map((m) => {
          const version = next.get(m.stream)!;
          next.set(m.stream, version + 1);
          return {
            id: m.args.id,
            school_id: m.args.schoolId,
            scope_unit_id: m.args.scopeUnitId,
            school_year_id: m.args.schoolYearId,
            ...sessionColumns(m.args),
            status: 'planned',
            revision: 0,
            created_by: meta.userId,
            created_at: meta.receivedAt,
            updated_at: meta.receivedAt,
            series_id: m.args.seriesId,
            cancel_reason: null,
            stream: m.stream,
            version,
          };
        });
        for (let i = 0; i < rows.length; i += 200) await t.insertInto('sessions').values(rows.slice(i, i + 200)).execute();
        await recordAssignments(
          t,
          accepted
            .filter((m) => m.args.trainerUserId !== null)
            .map((m) => ({ sessionId: m.args.id, trainerUserId: m.args.trainerUserId!, assigned: true })),
        );
      },
    };
  },
};
