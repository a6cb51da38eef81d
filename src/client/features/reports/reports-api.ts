import type { z } from 'zod';
import type { RoleGrant } from '../../../shared/auth';
import {
  ReportListResponseSchema,
  ReportSchema,
  type Report,
  type ReportDraftInput,
  type ReportSummary,
} from '../../../shared/reports/wire';
import { ApiError, NetworkError } from '../../api';
import { fetchAsAccount, SIGN_IN_NEEDED, type AccountCallDeps } from '../../sync/accounts';

/**
 * Reports are written and read online (they are a conversation with the level above, not records of the yard):
 * these calls need the network and a usable token, and say plainly why when they cannot.
 */
export type ReportProblem = 'offline' | 'signIn' | 'notFound' | 'conflict' | 'invalid' | 'server';

export class ReportError extends Error {
  constructor(
    readonly problem: ReportProblem,
    message: string = problem,
  ) {
    super(message);
    this.name = 'ReportError';
  }
}

export type ReportDeps = AccountCallDeps;

function problemOf(error: unknown): ReportError {
  if (error instanceof ReportError) return error;
  if (error instanceof NetworkError) return new ReportError('offline');
  if (error instanceof ApiError) {
    if (error.code === SIGN_IN_NEEDED) return new ReportError('signIn');
    if (error.status === 401) return new ReportError('signIn', error.message);
    if (error.status === 403 || error.status === 404) return new ReportError('notFound', error.message);
    if (error.status === 409) return new ReportError('conflict', error.message);
    if (error.status === 400) return new ReportError('invalid', error.message);
  }
  return new ReportError('server', error instanceof Error ? error.message : String(error));
}

async function request(deps: ReportDeps, method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown): Promise<Response> {
  try {
    return await fetchAsAccount(deps, path, { method, json: body });
  } catch (error) {
    throw problemOf(error);
  }
}

async function json<S extends z.ZodType>(schema: S, response: Response): Promise<z.infer<S>> {
  const parsed = schema.safeParse(await response.json().catch(() => null));
  if (!parsed.success) throw new ReportError('server', 'unexpected response');
  return parsed.data;
}

export async function listReports(deps: ReportDeps, unitId: string, schoolYearId: string | null): Promise<ReportSummary[]> {
  const params = new URLSearchParams({ unitId });
  if (schoolYearId) params.set('schoolYearId', schoolYearId);
  return (await json(ReportListResponseSchema, await request(deps, 'GET', `/api/reports?${params.toString()}`))).reports;
}

export async function getReport(deps: ReportDeps, id: string): Promise<Report> {
  return json(ReportSchema, await request(deps, 'GET', `/api/reports/${encodeURIComponent(id)}`));
}

export async function saveReportDraft(deps: ReportDeps, id: string, input: ReportDraftInput): Promise<Report> {
  return json(ReportSchema, await request(deps, 'PUT', `/api/reports/${encodeURIComponent(id)}`, input));
}

export async function submitReport(deps: ReportDeps, id: string): Promise<Report> {
  return json(ReportSchema, await request(deps, 'POST', `/api/reports/${encodeURIComponent(id)}/submit`));
}

export async function acknowledgeReport(deps: ReportDeps, id: string): Promise<Report> {
  return json(ReportSchema, await request(deps, 'POST', `/api/reports/${encodeURIComponent(id)}/acknowledge`));
}

/** The workbook's bytes and the file name the server suggests (its ASCII fallback). */
export async function downloadReportXlsx(deps: ReportDeps, id: string): Promise<{ blob: Blob; fileName: string }> {
  const response = await request(deps, 'GET', `/api/reports/${encodeURIComponent(id)}/xlsx`);
  const disposition = response.headers.get('content-disposition') ?? '';
  const fileName = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'bao-cao.xlsx';
  return { blob: await response.blob(), fileName };
}

/** The units whose reports this user writes: a principal's school, an officer's unit (the server decides in the end). */
export function reportingUnits(grants: readonly RoleGrant[]): string[] {
  const out: string[] = [];
  for (const g of grants) {
    if ((g.role === 'principal' || g.role === 'officer' || g.role === 'admin') && !out.includes(g.unitId)) out.push(g.unitId);
  }
  return out;
}

/** Whether this user may acknowledge the report: an officer whose grant is on a unit above the report's unit. */
export function mayAcknowledge(grants: readonly RoleGrant[], report: Pick<Report, 'unitId' | 'status'>): boolean {
  if (report.status !== 'submitted') return false;
  return grants.some((g) => (g.role === 'officer' && g.unitId !== report.unitId) || g.role === 'admin');
}

/** Whether this user may still edit and submit it: a draft of one of their own units. */
export function mayEdit(grants: readonly RoleGrant[], report: Pick<Report, 'unitId' | 'status'>): boolean {
  return report.status === 'draft' && grants.some((g) => g.unitId === report.unitId && g.role !== 'teacher');
}
