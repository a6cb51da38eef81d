import type { Transaction } from 'kysely';
import { STALE_EDIT_REASON } from '../../../shared/plan/session-input';
import type { Database } from '../../db/schema';
import { reserveVersions } from '../../db/versions';
import { REJECTION } from '../reasons';
import { recordAssignments, type AssignmentChange } from '../trainer-view';
import type { AuthorisedMutation, Decision, MutationHandler, PendingMutation } from './handler';
import {
  checkSessionRefs,
  loadRefs,
  loadSessions,
  mayPlanSession,
  sessionColumns,
  staleReason,
  type StoredSession,
} from './session-context';

type EditName = 'session.update' | 'session.cancel';

/** What deciding an edit settled, for its apply: the revision it makes and the trainer it takes the session from. */
interface EditPlan {
  revision: number;
  previousTrainer: string | null;
}

/**
 * The checks every edit of a session shares: the session exists and the user may plan at its place (otherwise
 * "not found", as for a session that does not exist), it is not cancelled, and the edit is based on the stored
 * revision. Several edits of one session in a batch (edited twice offline) are judged one after the other: each
 * accepted edit moves the revision the next one must be based on.
 */
function decideEdit(
  m: PendingMutation<EditName>,
  current: Map<string, StoredSession>,
  mayPlan: (s: StoredSession) => boolean,
): { session: StoredSession } | { reason: string } {
  const session = current.get(m.args.id);
  if (!session || !mayPlan(session)) return { reason: REJECTION.notFound };
  if (session.status === 'cancelled') return { reason: REJECTION.sessionCancelled };
  if (m.args.baseRevision !== session.revision) return { reason: staleReason(STALE_EDIT_REASON, session.revision, m.args.baseRevision) };
  return { session };
}

/** Versions for the accepted edits, reserved per stream in sorted order (the order every writer locks streams in). */
async function versionsFor(t: Transaction<Database>, accepted: AuthorisedMutation<EditName>[]): Promise<Map<string, number>> {
  const count = new Map<string, number>();
  for (const m of accepted) count.set(m.stream, (count.get(m.stream) ?? 0) + 1);
  const next = new Map<string, number>();
  for (const stream of [...count.keys()].sort()) next.set(stream, await reserveVersions(t, stream, count.get(stream)!));
  const out = new Map<string, number>();
  for (const m of accepted) {
    const v = next.get(m.stream)!;
    out.set(m.id, v);
    next.set(m.stream, v + 1);
  }
  return out;
}

/**
 * `session.update`: the planner's new fields for a session. Same authority as creating it; a stale edit (based
 * on a revision someone else has since replaced) is refused with STALE_EDIT_REASON and changes nothing, so the
 * device can show both versions and let the planner choose.
 */
export const sessionUpdateHandler: MutationHandler<'session.update'> = {
  name: 'session.update',

  async prepare(trx, mutations, access, meta) {
    const current = await loadSessions(
      trx,
      mutations.map((m) => m.args.id),
    );
    const refs = await loadRefs(
      trx,
      mutations.map((m) => m.args.fields),
      [...current.values()].map((s) => s.school_year_id),
    );
    const plans = new Map<string, EditPlan>();
    const mayPlan = (s: StoredSession) => mayPlanSession(access, { schoolId: s.school_id, scopeUnitId: s.scope_unit_id });

    return {
      decide(m): Decision {
        const judged = decideEdit(m, current, mayPlan);
        if ('reason' in judged) return { ok: false, reason: judged.reason };
        const s = judged.session;
        const problem = checkSessionRefs(
          m.args.fields,
          { schoolId: s.school_id, scopeUnitId: s.scope_unit_id, schoolYearId: s.school_year_id },
          refs,
          access,
          'fields.',
        );
        if (problem) return { ok: false, reason: problem };
        plans.set(m.id, { revision: s.revision + 1, previousTrainer: s.trainer_user_id });
        current.set(s.id, { ...s, revision: s.revision + 1, trainer_user_id: m.args.fields.trainerUserId });
        return { ok: true, stream: s.stream };
      },

      async apply(t, accepted) {
        const versions = await versionsFor(t, accepted);
        const assignments: AssignmentChange[] = [];
        for (const m of accepted) {
          const plan = plans.get(m.id)!;
          await t
            .updateTable('sessions')
            .set({ ...sessionColumns(m.args.fields), revision: plan.revision, updated_at: meta.receivedAt, version: versions.get(m.id)! })
            .where('id', '=', m.args.id)
            .execute();
          const trainer = m.args.fields.trainerUserId;
          if (plan.previousTrainer !== null && plan.previousTrainer !== trainer) {
            assignments.push({ sessionId: m.args.id, trainerUserId: plan.previousTrainer, assigned: false });
          }
          if (trainer !== null) assignments.push({ sessionId: m.args.id, trainerUserId: trainer, assigned: true });
        }
        await recordAssignments(t, assignments);
      },
    };
  },
};

/**
 * `session.cancel`: the session stays, marked cancelled (its attendance and the plan's history keep it), with the
 * reason given. Same authority and the same stale-edit rule as an update.
 */
export const sessionCancelHandler: MutationHandler<'session.cancel'> = {
  name: 'session.cancel',

  async prepare(trx, mutations, access, meta) {
    const current = await loadSessions(
      trx,
      mutations.map((m) => m.args.id),
    );
    const plans = new Map<string, EditPlan>();
    const mayPlan = (s: StoredSession) => mayPlanSession(access, { schoolId: s.school_id, scopeUnitId: s.scope_unit_id });

    return {
      decide(m): Decision {
        const judged = decideEdit(m, current, mayPlan);
        if ('reason' in judged) return { ok: false, reason: judged.reason };
        const s = judged.session;
        plans.set(m.id, { revision: s.revision + 1, previousTrainer: s.trainer_user_id });
        current.set(s.id, { ...s, revision: s.revision + 1, status: 'cancelled' });
        return { ok: true, stream: s.stream };
      },

      async apply(t, accepted) {
        const versions = await versionsFor(t, accepted);
        const assignments: AssignmentChange[] = [];
        for (const m of accepted) {
          const plan = plans.get(m.id)!;
          await t
            .updateTable('sessions')
            .set({
              status: 'cancelled',
              cancel_reason: m.args.reason,
              revision: plan.revision,
              updated_at: meta.receivedAt,
              version: versions.get(m.id)!,
            })
            .where('id', '=', m.args.id)
            .execute();
          // The trainer's devices receive the cancellation too.
          if (plan.previousTrainer !== null) {
            assignments.push({ sessionId: m.args.id, trainerUserId: plan.previousTrainer, assigned: true });
          }
        }
        await recordAssignments(t, assignments);
      },
    };
  },
};
