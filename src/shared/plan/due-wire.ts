import { z } from 'zod';
import { IdSchema } from '../domain/ids';
import { SchoolLevelSchema, type SchoolYear } from '../domain/org';
import { InstantSchema, LocalDateSchema, type LocalDate } from '../time';

/**
 * GET /api/due: what is due at every school under a unit, worked out on the server with the same pure functions a
 * school's device runs (`evaluateRequirements`), because an officer's device holds no school's sessions.
 */
export const UnitDueQuerySchema = z.object({
  unitId: IdSchema,
  /** Absent: the school year under way today (see `currentSchoolYear`). */
  schoolYearId: IdSchema.optional(),
});
export type UnitDueQuery = z.infer<typeof UnitDueQuerySchema>;

const count = z.number().int().min(0);

export const DueCountsSchema = z.object({
  overdue: count,
  not_scheduled: count,
  scheduled: count,
  done: count,
});
export type DueCounts = z.infer<typeof DueCountsSchema>;

/** One requirement's period that ended without enough sessions held. */
export const OverdueItemSchema = z.object({
  requirementId: IdSchema,
  title: z.string().min(1).max(300),
  /** `DuePeriod.key`: `year`, `term-1`, `month-2025-10`, `by-2025-09-30`. */
  periodKey: z.string().min(1).max(40),
  periodLabel: z.string().min(1).max(60),
  end: LocalDateSchema,
});
export type OverdueItem = z.infer<typeof OverdueItemSchema>;

export const SchoolDueSummarySchema = z.object({
  schoolId: IdSchema,
  name: z.string().min(1).max(200),
  schoolLevel: SchoolLevelSchema.nullable(),
  counts: DueCountsSchema,
  /** Oldest deadline first. */
  overdue: z.array(OverdueItemSchema),
  /** The school's devices' latest push or pull; null when none has synced yet (its numbers may then be incomplete). */
  lastSyncAt: InstantSchema.nullable(),
});
export type SchoolDueSummary = z.infer<typeof SchoolDueSummarySchema>;

export const UnitDueResponseSchema = z.object({
  unitId: IdSchema,
  unitName: z.string().min(1).max(200),
  schoolYear: z.object({ id: IdSchema, label: z.string().min(1).max(20) }),
  /** The Hà Nội date the statuses were judged on. */
  today: LocalDateSchema,
  /** When the server worked the answer out: what "Số liệu lúc …" shows when the answer is read back offline. */
  generatedAt: InstantSchema,
  /** Most overdue first, then most left unscheduled, then by name. */
  schools: z.array(SchoolDueSummarySchema),
  totals: DueCountsSchema,
});
export type UnitDueResponse = z.infer<typeof UnitDueResponseSchema>;

/**
 * The school year the due lists speak of: the one under way today; between two years (the summer), the one that
 * ended last, whose results still matter; before any year has begun, the first. Shared so that the server's
 * default and the device's per-school list pick the same year.
 */
export function currentSchoolYear<Y extends Pick<SchoolYear, 'startDate' | 'endDate'>>(
  years: readonly Y[],
  today: LocalDate,
): Y | null {
  const sorted = [...years].sort((a, b) => a.startDate.localeCompare(b.startDate));
  const running = sorted.find((y) => y.startDate <= today && today <= y.endDate);
  if (running) return running;
  const begun = sorted.filter((y) => y.startDate <= today);
  return begun.at(-1) ?? sorted[0] ?? null;
}
