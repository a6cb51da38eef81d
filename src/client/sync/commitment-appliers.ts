import { CommitmentSchema, SessionSchema, type Commitment } from '../../shared/domain';
import { ALREADY_SIGNED_REASON } from '../../shared/domain/commitments';
import type { MutationArgs } from '../../shared/sync/mutations';
import { targetOf } from '../db/keys';
import type { Applier } from './appliers';
import { SyncMessageError } from './messages';

type SignArgs = MutationArgs<'commitment.sign'>;

/**
 * The commitment a signature leaves on the device: exactly the row the server stores (the school is the person's).
 * Exported for the commitment page, which shows the locked row the moment it is saved.
 */
export function signedCommitment(args: SignArgs, schoolId: string): Commitment {
  return CommitmentSchema.parse({
    id: args.id,
    schoolId,
    schoolYearId: args.schoolYearId,
    personId: args.personId,
    kind: args.kind,
    signedBy: args.signedBy,
    signerPersonId: args.signerPersonId ?? null,
    method: args.method,
    signatureHash: args.signatureHash ?? null,
    signedAt: args.signedAt,
    deviceId: args.deviceId,
  });
}

/** Commitments (issue #5) and closing a session: appliers spread into APPLIERS. */
export const COMMITMENT_APPLIERS: { 'commitment.sign': Applier<'commitment.sign'>; 'session.complete': Applier<'session.complete'> } = {
  'commitment.sign': {
    targets: (args) => [targetOf('commitment', args.id)],
    async apply(args, { db }) {
      const [person, existing] = await Promise.all([
        db.entity('person').get(args.personId),
        db.entity('commitment').where('[personId+schoolYearId+kind]').equals([args.personId, args.schoolYearId, args.kind]).first(),
      ]);
      if (!person) throw new SyncMessageError('unknownPerson');
      // Locked once signed: the server would refuse a second signature, so the device never queues one.
      if (existing) throw new SyncMessageError('invalidChange', { detail: ALREADY_SIGNED_REASON });
      await db.entity('commitment').put(signedCommitment(args, person.schoolId));
    },
  },
  'session.complete': {
    targets: (args) => [targetOf('session', args.id)],
    async apply(args, { db }) {
      const row = await db.entity('session').get(args.id);
      const parsed = row ? SessionSchema.safeParse(row) : null;
      if (!parsed?.success) throw new SyncMessageError('unknownSession');
      if (parsed.data.status === 'cancelled') throw new SyncMessageError('invalidChange', { detail: 'status: cancelled' });
      // The revision stays: closing is not an edit of the plan (see the server's session.complete).
      await db.entity('session').put(SessionSchema.parse({ ...parsed.data, status: 'done', completedAt: args.completedAt }));
    },
  },
};
