import { z } from 'zod';
import { IdSchema } from './ids';
import { LocalDateSchema } from '../time';

export const ClassSchema = z.object({
  id: IdSchema,
  schoolId: IdSchema,
  schoolYearId: IdSchema,
  /** 0 for preschool groups, 1–12 for grades. */
  grade: z.number().int().min(0).max(12),
  name: z.string().trim().min(1).max(50),
  code: z.string().trim().max(50).nullable(),
  homeroomPersonId: IdSchema.nullable(),
  status: z.enum(['active', 'closed']),
});
export type Class = z.infer<typeof ClassSchema>;

export const PERSON_KINDS = ['staff', 'student', 'parent'] as const;
export const PersonKindSchema = z.enum(PERSON_KINDS);
export type PersonKind = z.infer<typeof PersonKindSchema>;

/** Staff role tags that plans and indicators refer to (youth-education staff = youth_leader). */
export const STAFF_ROLE_TAGS = [
  'principal',
  'vice_principal',
  'homeroom',
  'teacher',
  'youth_leader',
  'employee',
  /** Bí thư Đoàn (upper-secondary schools); youth-education staff like youth_leader (Tổng phụ trách Đội). */
  'youth_union_secretary',
] as const;
export const StaffRoleTagSchema = z.enum(STAFF_ROLE_TAGS);
export type StaffRoleTag = z.infer<typeof StaffRoleTagSchema>;

/**
 * A person known to a school. Minimum personal data by design (Luật 91/2025): no address, no national id,
 * no ethnicity, birth year rather than birth date.
 */
export const PersonSchema = z.object({
  id: IdSchema,
  schoolId: IdSchema,
  kind: PersonKindSchema,
  fullName: z.string().trim().min(1).max(120),
  /** The sector database's code (Mã học sinh / mã cán bộ), the key re-imports match on. */
  code: z.string().trim().max(50).nullable(),
  birthYear: z.number().int().min(1900).max(2100).nullable(),
  sex: z.enum(['male', 'female']).nullable(),
  classId: IdSchema.nullable(),
  roleTags: z.array(StaffRoleTagSchema).max(10),
  /** For parents: the students of this school they are a parent of. */
  studentIds: z.array(IdSchema).max(20),
  status: z.enum(['active', 'left']),
  /**
   * Hà Nội dates the person joined and left the school; null when unknown (since before the records) or still
   * there. Defaulted so that rows stored by an older app version still read.
   */
  joinedOn: LocalDateSchema.nullable().default(null),
  leftOn: LocalDateSchema.nullable().default(null),
});
export type Person = z.infer<typeof PersonSchema>;
