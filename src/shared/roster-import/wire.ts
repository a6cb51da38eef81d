import { z } from 'zod';
import { IdSchema } from '../domain/ids';
import { IMPORT_KINDS } from './fields';
import type { ProblemCode } from './rows';

/** Limits of one import: a large school has 2,000+ students; 20,000 rows is no school's roster. */
export const IMPORT_MAX_BYTES = 20 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 20_000;
/** A preview that is not applied within a day is dropped: the roster it was checked against has moved on. */
export const IMPORT_TTL_MS = 24 * 60 * 60 * 1000;

/** `POST /api/schools/:id/imports`: the school id is `:id`, as in the other `/api/schools/:id/…` routes (the router needs one name per position). */
export const ImportParamsSchema = z.object({ id: IdSchema });
export const ImportQuerySchema = z.object({
  kind: z.enum(IMPORT_KINDS),
  schoolYearId: IdSchema,
});
/** `GET /api/imports/:id`, `POST /api/imports/:id/apply` */
export const ImportIdParamsSchema = z.object({ id: IdSchema });
export const ApplyImportSchema = z.strictObject({
  /** Rows with errors are skipped only once the user has seen them and confirmed. */
  confirm: z.boolean(),
});

export type ImportAction = 'create' | 'update' | 'unchanged' | 'leave' | 'skip';

export interface ImportPreviewRow {
  line: number;
  code: string;
  fullName: string;
  className: string | null;
  status: 'active' | 'left';
  problems: ProblemCode[];
  action: ImportAction;
}

export interface ImportSummary {
  create: number;
  update: number;
  /** Rows marked left by the file, and people missing from the file (see `absent`). */
  leave: number;
  unchanged: number;
  /** Rows that cannot be applied (skipped when confirmed). */
  errors: number;
  /** Rows with a warning only. */
  warnings: number;
  total: number;
}

export interface ImportBatchView {
  id: string;
  schoolId: string;
  schoolYearId: string;
  kind: (typeof IMPORT_KINDS)[number];
  status: 'previewed' | 'applied' | 'discarded';
  createdAt: string;
  appliedAt: string | null;
  sheet: string | null;
  /** Titles of columns dropped unread (personal data this app must not hold). */
  droppedColumns: string[];
  summary: ImportSummary;
  /** Rows with problems first, then the others in file order. */
  rows: ImportPreviewRow[];
  /** People of this kind still active at the school but missing from the file: they are marked left. */
  absent: { code: string; fullName: string; className: string | null }[];
  classesToCreate: { name: string; grade: number }[];
}
