import type { ImportBatchView, ImportKind } from '../../../shared/roster-import';
import { ApiError } from '../../api';
import { fetchAsAccount, SIGN_IN_NEEDED, type AccountCallDeps } from '../../sync/accounts';

/**
 * The online calls of a roster import. An import is checked and applied by the server (it compares the file with the
 * whole roster and hands the result to every device through the pull), so it needs the network and says so.
 */
export type ImportProblem = 'offline' | 'signIn' | 'notFound' | 'refused' | 'server';

export class ImportError extends Error {
  constructor(
    readonly problem: ImportProblem,
    message: string = problem,
    readonly status = 0,
  ) {
    super(message);
    this.name = 'ImportError';
  }
}

export type ImportDeps = AccountCallDeps;

export interface ApplyResult {
  created: number;
  updated: number;
  left: number;
  classesCreated: number;
  skipped: number;
}

export type ImportBatch = ImportBatchView & { result?: ApplyResult | null };

const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The type the server is told: by extension, since browsers label CSV differently (text/csv, application/vnd.ms-excel…). */
export function uploadType(fileName: string): string {
  return /\.csv$/i.test(fileName) ? 'text/csv' : /\.xlsx$/i.test(fileName) ? XLSX_MIME : 'application/octet-stream';
}

async function call(deps: ImportDeps, method: 'GET' | 'POST', path: string, body?: { bytes: ArrayBuffer; type: string } | { json: unknown }): Promise<ImportBatch> {
  let response: Response;
  try {
    response = await fetchAsAccount(deps, path, {
      method,
      ...(body && 'bytes' in body ? { bytes: { data: body.bytes, type: body.type } } : body ? { json: body.json } : {}),
      timeoutMs: 180_000,
    });
  } catch (error) {
    if (!(error instanceof ApiError)) throw new ImportError('offline');
    if (error.code === SIGN_IN_NEEDED) throw new ImportError('signIn');
    const problem: ImportProblem = error.status === 401 ? 'signIn' : error.status === 404 ? 'notFound' : error.status < 500 ? 'refused' : 'server';
    throw new ImportError(problem, error.message, error.status);
  }
  return (await response.json()) as ImportBatch;
}

export const importApi = {
  /** Uploads the file for a preview; nothing on the roster changes. */
  preview: async (deps: ImportDeps, schoolId: string, kind: ImportKind, schoolYearId: string, file: { name: string; bytes: ArrayBuffer }) =>
    call(
      deps,
      'POST',
      `/api/schools/${encodeURIComponent(schoolId)}/imports?kind=${kind}&schoolYearId=${encodeURIComponent(schoolYearId)}`,
      { bytes: file.bytes, type: uploadType(file.name) },
    ),
  get: async (deps: ImportDeps, id: string) => call(deps, 'GET', `/api/imports/${encodeURIComponent(id)}`),
  apply: async (deps: ImportDeps, id: string, confirm: boolean) =>
    call(deps, 'POST', `/api/imports/${encodeURIComponent(id)}/apply`, { json: { confirm } }),
};
