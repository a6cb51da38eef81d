import { z } from 'zod';
import { IdSchema } from '../domain/ids';
import { InstantSchema, LocalDateSchema } from '../time';
import { INDICATOR_CODES } from '../coverage/types';

/**
 * Term (sơ kết HK I) and year-end (tổng kết năm học) reports of a school or a unit, sent up the tree:
 * draft → submitted → acknowledged. The figures are a snapshot taken when the draft is saved and frozen when it is
 * submitted, so what the level above acknowledges is exactly what the school sent, whatever is recorded later.
 */
export const REPORT_KINDS = ['term1', 'year'] as const;
export const ReportKindSchema = z.enum(REPORT_KINDS);
export type ReportKind = z.infer<typeof ReportKindSchema>;

export const REPORT_STATUSES = ['draft', 'submitted', 'acknowledged'] as const;
export const ReportStatusSchema = z.enum(REPORT_STATUSES);
export type ReportStatus = z.infer<typeof ReportStatusSchema>;

const count = z.number().int().min(0);
const text = (max: number) => z.string().max(max);

export const ReportIndicatorSchema = z.object({
  code: z.enum(INDICATOR_CODES),
  numerator: count,
  denominator: count,
  percentage: z.number().min(0).max(100).nullable(),
  periods: count.optional(),
});
export type ReportIndicator = z.infer<typeof ReportIndicatorSchema>;

/** One drill held, with its facts (drillRecord), for the "Diễn tập" sheet. */
export const ReportDrillSchema = z.object({
  sessionId: IdSchema,
  schoolId: IdSchema,
  schoolName: text(200),
  date: LocalDateSchema,
  title: text(300),
  scenarioCode: text(40).nullable(),
  evacuationSeconds: count.nullable(),
  expectedCount: count.nullable(),
  accountedCount: count.nullable(),
  missingCount: count.nullable(),
  observations: text(4000),
});
export type ReportDrill = z.infer<typeof ReportDrillSchema>;

/** Sessions held in the period, per activity type. */
export const ReportSessionGroupSchema = z.object({
  activityCode: text(40),
  activityName: text(120),
  held: count,
  /** Attendance marks present or late at those sessions. */
  attendances: count,
});
export type ReportSessionGroup = z.infer<typeof ReportSessionGroupSchema>;

/** Distinct people who attended at least one session held in the period. */
export const PeopleReachedSchema = z.object({ staff: count, students: count, parents: count });
export type PeopleReached = z.infer<typeof PeopleReachedSchema>;

/** For a unit's report: each school's indicators, so the level above sees who pulls the numbers down. */
export const ReportSchoolRowSchema = z.object({
  schoolId: IdSchema,
  name: text(200),
  indicators: z.array(ReportIndicatorSchema).max(INDICATOR_CODES.length),
});
export type ReportSchoolRow = z.infer<typeof ReportSchoolRowSchema>;

export const ReportFiguresSchema = z.object({
  unitName: text(200),
  unitKind: text(40),
  schoolYearLabel: text(20),
  from: LocalDateSchema,
  to: LocalDateSchema,
  generatedAt: InstantSchema,
  /** Empty when the coverage service could not give figures for the unit (then the sheet says so). */
  indicators: z.array(ReportIndicatorSchema).max(INDICATOR_CODES.length),
  schools: z.array(ReportSchoolRowSchema).max(5000),
  drills: z.array(ReportDrillSchema).max(20000),
  sessions: z.array(ReportSessionGroupSchema).max(50),
  sessionsHeld: count,
  peopleReached: PeopleReachedSchema,
});
export type ReportFigures = z.infer<typeof ReportFiguresSchema>;

export const NotableResultsSchema = z
  .string()
  .trim()
  .max(10_000, { error: 'kết quả nổi bật tối đa 10.000 ký tự' });

export const ReportSchema = z.object({
  id: IdSchema,
  unitId: IdSchema,
  schoolYearId: IdSchema,
  kind: ReportKindSchema,
  status: ReportStatusSchema,
  /** Results worth commending (khen thưởng), written by the school or unit. */
  notableResults: text(10_000),
  figures: ReportFiguresSchema,
  createdBy: IdSchema,
  createdByName: text(200),
  createdAt: InstantSchema,
  updatedAt: InstantSchema,
  submittedBy: IdSchema.nullable(),
  submittedByName: text(200).nullable(),
  submittedAt: InstantSchema.nullable(),
  acknowledgedBy: IdSchema.nullable(),
  acknowledgedByName: text(200).nullable(),
  acknowledgedAt: InstantSchema.nullable(),
});
export type Report = z.infer<typeof ReportSchema>;

/** A report in a list: everything but the figures. */
export const ReportSummarySchema = ReportSchema.omit({ figures: true, notableResults: true }).extend({
  unitName: text(200),
});
export type ReportSummary = z.infer<typeof ReportSummarySchema>;

/** PUT /api/reports/:id — create or update a draft (the id is made by the client, so a retry creates nothing twice). */
export const ReportDraftInputSchema = z.object({
  unitId: IdSchema,
  schoolYearId: IdSchema,
  kind: ReportKindSchema,
  notableResults: NotableResultsSchema,
});
export type ReportDraftInput = z.infer<typeof ReportDraftInputSchema>;

export const ReportIdParamsSchema = z.object({ id: IdSchema });

/** GET /api/reports?unitId&schoolYearId — the unit's own reports and those of every unit and school under it. */
export const ReportListQuerySchema = z.object({
  unitId: IdSchema,
  schoolYearId: IdSchema.optional(),
});
export type ReportListQuery = z.infer<typeof ReportListQuerySchema>;

export const ReportListResponseSchema = z.object({ reports: z.array(ReportSummarySchema) });
export type ReportListResponse = z.infer<typeof ReportListResponseSchema>;

/** A safe file name for the report's workbook: ASCII only (the Vietnamese name goes in `filename*`). */
export function asciiFileName(name: string): string {
  return (
    name
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/đ/g, 'd')
      .replace(/Đ/g, 'D')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 120) || 'bao-cao'
  );
}
