import { z } from 'zod';
import { IdSchema } from './ids';
import { LocalDateSchema } from '../time';

/** Unit kinds are data, not code: the tree may be any depth and other provinces are organised differently. */
export const UNIT_KINDS = ['department', 'commune', 'cluster', 'school', 'district'] as const;
export const UnitKindSchema = z.enum(UNIT_KINDS);
export type UnitKind = z.infer<typeof UnitKindSchema>;

export const SCHOOL_LEVELS = ['mn', 'th', 'thcs', 'thpt', 'gdnn_gdtx'] as const;
export const SchoolLevelSchema = z.enum(SCHOOL_LEVELS);
export type SchoolLevel = z.infer<typeof SchoolLevelSchema>;

export const UnitSchema = z.object({
  id: IdSchema,
  kind: UnitKindSchema,
  name: z.string().trim().min(1).max(200),
  code: z.string().trim().max(50).nullable(),
  /** Parent in the management tree (a school's commune office or the department); null for the root. */
  parentId: IdSchema.nullable(),
  /** The professional cluster a school also rolls up to (the second axis). */
  clusterId: IdSchema.nullable(),
  schoolLevel: SchoolLevelSchema.nullable(),
  status: z.enum(['active', 'closed']),
});
export type Unit = z.infer<typeof UnitSchema>;

export const TermSchema = z.object({
  no: z.number().int().min(1).max(4),
  name: z.string().min(1).max(50),
  startDate: LocalDateSchema,
  endDate: LocalDateSchema,
});
export type Term = z.infer<typeof TermSchema>;

export const SchoolYearSchema = z.object({
  id: IdSchema,
  departmentId: IdSchema,
  label: z.string().regex(/^\d{4}-\d{4}$/),
  startDate: LocalDateSchema,
  endDate: LocalDateSchema,
  terms: z.array(TermSchema).min(1).max(4),
});
export type SchoolYear = z.infer<typeof SchoolYearSchema>;
