import { z } from 'zod';
import { IdSchema } from './ids';
import { InstantSchema } from '../time';

export const ATTENDANCE_STATUSES = ['present', 'late', 'excused', 'absent'] as const;
export const AttendanceStatusSchema = z.enum(ATTENDANCE_STATUSES);
export type AttendanceStatus = z.infer<typeof AttendanceStatusSchema>;

/** One row per (session, person): the latest observation. Every mark is also kept in the server's history. */
export const AttendanceSchema = z.object({
  id: IdSchema,
  schoolId: IdSchema,
  sessionId: IdSchema,
  personId: IdSchema,
  status: AttendanceStatusSchema,
  note: z.string().max(500).nullable(),
  markedBy: IdSchema,
  markedAt: InstantSchema,
});
export type Attendance = z.infer<typeof AttendanceSchema>;

export const DRILL_OBSERVATIONS = [
  'alarm_not_heard',
  'exit_blocked',
  'people_unaccounted',
  'assembly_point_crowded',
  'slow_start',
  'panic',
] as const;

export const DrillRecordSchema = z.object({
  id: IdSchema,
  schoolId: IdSchema,
  sessionId: IdSchema,
  scenarioCode: z.string().max(40).nullable(),
  alarmAt: InstantSchema.nullable(),
  allClearAt: InstantSchema.nullable(),
  evacuationSeconds: z.number().int().min(0).nullable(),
  expectedCount: z.number().int().min(0),
  accountedCount: z.number().int().min(0),
  missingCount: z.number().int().min(0),
  observations: z.array(z.string().max(40)).max(30),
  notes: z.string().max(5000).nullable(),
  photoHashes: z.array(z.string().regex(/^[0-9a-f]{64}$/)).max(50),
});
export type DrillRecord = z.infer<typeof DrillRecordSchema>;

export const COMMITMENT_KINDS = ['parent_helmet', 'parent_no_motorbike', 'student_traffic'] as const;
export const CommitmentKindSchema = z.enum(COMMITMENT_KINDS);

/** A signed commitment is a fact: locked once signed, never signed over (the server refuses too). */
export const CommitmentSchema = z.object({
  id: IdSchema,
  schoolId: IdSchema,
  schoolYearId: IdSchema,
  personId: IdSchema,
  kind: CommitmentKindSchema,
  signedBy: z.enum(['self', 'parent']),
  signerPersonId: IdSchema.nullable(),
  method: z.enum(['signature', 'paper']),
  signatureHash: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  signedAt: InstantSchema,
  deviceId: z.string().max(100).nullable(),
});
export type Commitment = z.infer<typeof CommitmentSchema>;

export const MaterialSchema = z.object({
  id: IdSchema,
  ownerUnitId: IdSchema,
  /** Set when the material belongs to one school (invisible to others); null for a unit's library. */
  schoolId: IdSchema.nullable(),
  title: z.string().trim().min(1).max(300),
  description: z.string().max(5000).nullable(),
  activityTypeId: IdSchema.nullable(),
  schoolLevel: z.string().max(20).nullable(),
  schoolYearId: IdSchema.nullable(),
  tags: z.array(z.string().max(50)).max(30),
  mime: z.string().max(100),
  size: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  uploadedBy: IdSchema,
  createdAt: InstantSchema,
  /**
   * Versions (added with migration 008; defaults keep rows of older servers valid). A new version keeps the id and
   * changes `sha256`, `mime`, `size` and bumps `versionNo`: a device holding other bytes than the row names knows
   * its copy is old and fetches the new one when online. Every version's bytes stay in the file store.
   */
  versionNo: z.number().int().min(1).default(1),
  /** Archived materials stay readable where sessions already use them, but leave the library and new attachments. */
  status: z.enum(['active', 'archived']).default('active'),
  updatedAt: InstantSchema.nullable().default(null),
});
export type Material = z.infer<typeof MaterialSchema>;
