import { z } from 'zod';
import { IdSchema } from './ids';
import { InstantSchema } from '../time';
import type { SchoolLevel } from './org';
import type { Person } from './people';
import { CommitmentKindSchema } from './records';

export type CommitmentKind = z.infer<typeof CommitmentKindSchema>;

/**
 * Which ATGT commitments a person owes in a school year, decided by the school's level (DOMAIN.md, traffic safety):
 * - every student of MN/TH/THCS: the parent's helmet commitment (`parent_helmet`), signed by a parent;
 * - every student of THPT and GDNN-GDTX: the parent's no-motorbike-for-an-under-age-child commitment
 *   (`parent_no_motorbike`), signed by a parent;
 * - every student from primary up (TH, THCS, THPT, GDNN-GDTX): their own commitment to obey the traffic law
 *   (`student_traffic`), signed by the student. Preschool children are not asked to commit themselves.
 * The commitment is recorded on the student (the person it is about) whoever signs it. Staff and parents owe no
 * row of their own here: the catalogue has no staff kind yet, and a parent's commitment is about their child.
 * A school without a level is treated as TH/THCS (helmet + own commitment), the commonest case in Hà Nội.
 */
export function commitmentKindsFor(schoolLevel: SchoolLevel | null, person: Pick<Person, 'kind'>): CommitmentKind[] {
  if (person.kind !== 'student') return [];
  switch (schoolLevel) {
    case 'mn':
      return ['parent_helmet'];
    case 'thpt':
    case 'gdnn_gdtx':
      return ['parent_no_motorbike', 'student_traffic'];
    default:
      return ['parent_helmet', 'student_traffic'];
  }
}

/** Who signs a kind by default: the parent's kinds are signed by a parent, the student's own by the student. */
export function signerOf(kind: CommitmentKind): 'self' | 'parent' {
  return kind === 'student_traffic' ? 'self' : 'parent';
}

/**
 * Who may sign a kind: the parent's kinds only a parent; the student's own the student, or a parent on the child's
 * behalf (a young pupil, or a child whose signature may not be kept without consent).
 */
export function signersOf(kind: CommitmentKind): ('self' | 'parent')[] {
  return kind === 'student_traffic' ? ['self', 'parent'] : ['parent'];
}

/** The reason the server (and the device) refuse a second signature for the same person, kind and school year. */
export const ALREADY_SIGNED_REASON = 'Cam kết đã ký, không thể ký lại (already signed, cannot be signed again)';

const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, { error: 'mã băm chữ ký không hợp lệ' });

/**
 * `commitment.sign`: one commitment, signed on screen (the image queued in the file queue, its sha256 here) or
 * recorded as a paper form received. Made once; there is no edit: a signed commitment is locked.
 */
export const CommitmentSignArgsSchema = z
  .object({
    id: IdSchema,
    personId: IdSchema,
    kind: CommitmentKindSchema,
    schoolYearId: IdSchema,
    signedBy: z.enum(['self', 'parent']),
    /** The parent who signed (a parent person of the school), when known; null or absent otherwise. */
    signerPersonId: IdSchema.nullable().optional(),
    method: z.enum(['signature', 'paper']),
    signatureHash: Sha256Schema.nullable().optional(),
    signedAt: InstantSchema,
    deviceId: z.string().trim().min(1).max(100),
  })
  .superRefine((v, ctx) => {
    if (!signersOf(v.kind).includes(v.signedBy)) {
      ctx.addIssue({ code: 'custom', path: ['signedBy'], message: 'cam kết này do cha mẹ học sinh ký' });
    }
    if (v.method === 'signature' && !v.signatureHash) {
      ctx.addIssue({ code: 'custom', path: ['signatureHash'], message: 'thiếu chữ ký' });
    }
    if (v.method === 'paper' && v.signatureHash) {
      ctx.addIssue({ code: 'custom', path: ['signatureHash'], message: 'bản giấy không kèm chữ ký điện tử' });
    }
    if (v.signedBy === 'self' && v.signerPersonId && v.signerPersonId !== v.personId) {
      ctx.addIssue({ code: 'custom', path: ['signerPersonId'], message: 'người ký phải là chính học sinh' });
    }
  });
export type CommitmentSignArgs = z.infer<typeof CommitmentSignArgsSchema>;

/** `session.complete`: the session was held; it is marked done (attendance may still be corrected afterwards). */
export const SessionCompleteArgsSchema = z.object({
  id: IdSchema,
  completedAt: InstantSchema,
});
