import { z } from 'zod';
import { IdSchema } from '../domain/ids';
import { SchoolLevelSchema } from '../domain/org';
import { InstantSchema, LocalDateSchema } from '../time';
import { INDICATOR_CODES } from './types';

/**
 * The HTTP side of coverage: `GET /api/coverage` (a unit's schools, for officers' dashboards) and
 * `GET /api/coverage/schools/:id` (one school, per class, with the people still missing). Officers' devices hold
 * no school's rows, so these are worked out on the server, in SQL for the person-based indicators, and agree
 * exactly with `computeSchoolCoverage` (tests/integration/server/coverage-agreement.test.ts).
 */

export const IndicatorCodeSchema = z.enum(INDICATOR_CODES);

/**
 * The period asked for: the whole school year (nothing more), one term (`termNo`), or a date range inside the
 * year (`from` and `to`, Hà Nội dates, both included). Absent `schoolYearId`: the year under way today.
 */
export const CoverageQuerySchema = z
  .object({
    unitId: IdSchema,
    schoolYearId: IdSchema.optional(),
    termNo: z.coerce.number().int().min(1).max(4).optional(),
    from: LocalDateSchema.optional(),
    to: LocalDateSchema.optional(),
  })
  .refine((q) => (q.from === undefined) === (q.to === undefined), { error: 'cần cả ngày bắt đầu và ngày kết thúc', path: ['to'] })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { error: 'ngày bắt đầu sau ngày kết thúc', path: ['from'] })
  .refine((q) => q.termNo === undefined || q.from === undefined, { error: 'chọn học kỳ hoặc khoảng ngày, không cả hai', path: ['termNo'] });
export type CoverageQuery = z.infer<typeof CoverageQuerySchema>;

/** Same period choice, for one school (the school is in the path). */
export const SchoolCoverageQuerySchema = z
  .object({
    schoolYearId: IdSchema.optional(),
    termNo: z.coerce.number().int().min(1).max(4).optional(),
    from: LocalDateSchema.optional(),
    to: LocalDateSchema.optional(),
  })
  .refine((q) => (q.from === undefined) === (q.to === undefined), { error: 'cần cả ngày bắt đầu và ngày kết thúc', path: ['to'] })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { error: 'ngày bắt đầu sau ngày kết thúc', path: ['from'] })
  .refine((q) => q.termNo === undefined || q.from === undefined, { error: 'chọn học kỳ hoặc khoảng ngày, không cả hai', path: ['termNo'] });
export type SchoolCoverageQuery = z.infer<typeof SchoolCoverageQuerySchema>;

export const SchoolCoverageParamsSchema = z.object({ id: IdSchema });

const count = z.number().int().min(0);

/** An indicator's figures without names: what dashboards rank and sum. */
export const IndicatorSummarySchema = z.object({
  code: IndicatorCodeSchema,
  numerator: count,
  denominator: count,
  /** One decimal; null when nothing is asked (denominator 0). */
  percentage: z.number().min(0).max(100).nullable(),
  /** youthStaffTrained: class periods (tiết) of the trainings attended by the staff counted. */
  periods: count.optional(),
});
export type IndicatorSummary = z.infer<typeof IndicatorSummarySchema>;

export const MissingItemSchema = z.object({
  kind: z.enum(['person', 'class', 'school', 'scenario']),
  id: z.string().min(1).max(200),
  name: z.string().max(400),
  classId: IdSchema.optional(),
  schoolId: IdSchema.optional(),
  scenarioCode: z.string().max(40).optional(),
  dueDate: LocalDateSchema.optional(),
});

export const IndicatorResultSchema = IndicatorSummarySchema.extend({ missing: z.array(MissingItemSchema) });

/** A required drill whose period ended without it being held. */
export const OverdueDrillSchema = z.object({
  requirementId: IdSchema,
  title: z.string().min(1).max(300),
  periodKey: z.string().min(1).max(40),
  periodLabel: z.string().min(1).max(60),
  end: LocalDateSchema,
  /** The scenario whose turn it was (rotating requirements) or the one the requirement names. */
  scenarioCode: z.string().max(40).nullable(),
});
export type OverdueDrill = z.infer<typeof OverdueDrillSchema>;

export const CoveragePeriodSchema = z.object({
  schoolYearId: IdSchema,
  from: LocalDateSchema,
  to: LocalDateSchema,
  termNo: z.number().int().min(1).max(4).optional(),
});

export const SchoolCoverageRowSchema = z.object({
  schoolId: IdSchema,
  name: z.string().min(1).max(200),
  schoolLevel: SchoolLevelSchema.nullable(),
  /** The management parent (commune office or the Sở) and the cluster the school belonged to at the period's end. */
  parentId: IdSchema.nullable(),
  clusterId: IdSchema.nullable(),
  /** In `INDICATOR_CODES` order. */
  indicators: z.array(IndicatorSummarySchema),
  /** The school's devices' latest push or pull; null when none has synced (its figures may be incomplete). */
  lastSyncAt: InstantSchema.nullable(),
  /** Oldest deadline first. */
  overdueDrills: z.array(OverdueDrillSchema),
});
export type SchoolCoverageRow = z.infer<typeof SchoolCoverageRowSchema>;

/** A unit directly below the one asked for (a commune office, a cluster), its schools' figures summed: the drill-down's next step. */
export const ChildUnitCoverageSchema = z.object({
  unitId: IdSchema,
  name: z.string().min(1).max(200),
  kind: z.string().min(1).max(40),
  schoolCount: count,
  indicators: z.array(IndicatorSummarySchema),
});
export type ChildUnitCoverage = z.infer<typeof ChildUnitCoverageSchema>;

export const UnitCoverageResponseSchema = z.object({
  unitId: IdSchema,
  unitName: z.string().min(1).max(200),
  unitKind: z.string().min(1).max(40),
  schoolYear: z.object({ id: IdSchema, label: z.string().min(1).max(20) }),
  period: CoveragePeriodSchema,
  /** The Hà Nội date drills were judged overdue on. */
  today: LocalDateSchema,
  /** When the server worked the answer out ("Số liệu lúc …" when read back offline). */
  generatedAt: InstantSchema,
  /** All the unit's schools summed (numerators over denominators, not an average of percentages). */
  totals: z.array(IndicatorSummarySchema),
  /** Units directly below (commune offices and clusters under the Sở; nothing under a commune). */
  children: z.array(ChildUnitCoverageSchema),
  /** Every school of the unit at the period's end, by name; the client sorts and filters. */
  schools: z.array(SchoolCoverageRowSchema),
});
export type UnitCoverageResponse = z.infer<typeof UnitCoverageResponseSchema>;

export const ClassCoverageSchema = z.object({
  classId: IdSchema,
  name: z.string().min(1).max(50),
  grade: z.number().int().min(0).max(12),
  /** The person-based indicators whose people belong to classes (students): trafficCommitments, parentsReached, studentsVolunteering. */
  indicators: z.array(IndicatorSummarySchema),
});

export const SchoolCoverageResponseSchema = z.object({
  school: z.object({ id: IdSchema, name: z.string().min(1).max(200), schoolLevel: SchoolLevelSchema.nullable() }),
  schoolYear: z.object({ id: IdSchema, label: z.string().min(1).max(20) }),
  period: CoveragePeriodSchema,
  today: LocalDateSchema,
  generatedAt: InstantSchema,
  lastSyncAt: InstantSchema.nullable(),
  /** In `INDICATOR_CODES` order, with the people, classes or drills still missing. */
  indicators: z.array(IndicatorResultSchema),
  classes: z.array(ClassCoverageSchema),
  overdueDrills: z.array(OverdueDrillSchema),
});
export type SchoolCoverageResponse = z.infer<typeof SchoolCoverageResponseSchema>;
