import type { Decision, MutationHandler } from './handler';
import { reserveVersions } from '../../db/versions';
import { REJECTION } from '../reasons';
import { loadSessions, mayPlanSession, type StoredSession } from './session-context';

/**
 * `session.complete`: the session was held and is closed (status done), with the device's time of closing and the
 * user. Whoever records at the school (its teachers and principal), the session's trainer, or a planner of the
 * session may close it. It changes no planned field, so it carries no base revision and does not bump it: closing
 * never makes a planner's offline edit stale. Closing a closed session again changes nothing but is accepted (two
 * tablets closing the same session offline); a cancelled session cannot be closed.
 */
export const sessionCompleteHandler: MutationHandler<'session.complete'> = {
  name: 'session.complete',

  async prepare(trx, mutations, access, meta) {
    const current = await loadSessions(
      trx,
      mutations.map((m) => m.args.id),
    );
    const mayClose = (s: StoredSession): boolean =>
      (s.school_id !== null && access.canRecordAt(s.school_id)) ||
      (s.trainer_user_id !== null && s.trainer_user_id === access.userId) ||
      mayPlanSession(access, { schoolId: s.school_id, scopeUnitId: s.scope_unit_id });

    return {
      decide(m): Decision {
        const s = current.get(m.args.id);
        if (!s || !mayClose(s)) return { ok: false, reason: REJECTION.notFound };
        if (s.status === 'cancelled') return { ok: false, reason: REJECTION.sessionCancelled };
        return { ok: true, stream: s.stream };
      },
      async apply(t, accepted) {
        const count = new Map<string, number>();
        for (const m of accepted) count.set(m.stream, (count.get(m.stream) ?? 0) + 1);
        const next = new Map<string, number>();
        for (const stream of [...count.keys()].sort()) next.set(stream, await reserveVersions(t, stream, count.get(stream)!));
        for (const m of accepted) {
          const version = next.get(m.stream)!;
          next.set(m.stream, version + 1);
          // A device clock far in the future must not date the minutes: the arrival time caps it.
          const completedAt = m.args.completedAt > meta.receivedAt ? meta.receivedAt : m.args.completedAt;
          await t
            .updateTable('sessions')
            .set({ status: 'done', completed_at: completedAt, completed_by: meta.userId, updated_at: meta.receivedAt, version })
            .where('id', '=', m.args.id)
            .execute();
        }
      },
    };
  },
};
