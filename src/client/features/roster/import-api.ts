import type { ImportBatchView, ImportKind } from '../../../shared/roster-import';
import type { TruongAnDb } from '../../db/database';
import { getAccount } from '../../db/repositories/accounts';
import { tokenUsable } from '../../sync/accounts';

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

export interface ImportDeps {
  db: TruongAnDb;
  userId: string;
  now: () => number;
  isOnline: () => boolean;
  fetch?: (input: string, init?: RequestInit) => Promise<Response>;
}

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
  if (!deps.isOnline()) throw new ImportError('offline');
  const account = await getAccount(deps.userId, deps.db);
  if (!tokenUsable(account, deps.now())) throw new ImportError('signIn');
  const doFetch = deps.fetch ?? ((input: string, init?: RequestInit) => globalThis.fetch(input, init));
  const headers: Record<string, string> = { authorization: `Bearer ${account.token}`, accept: 'application/json' };
  let payload: BodyInit | undefined;
  if (body && 'bytes' in body) {
    headers['content-type'] = body.type;
    payload = body.bytes;
  } else if (body) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body.json);
  }
  let response: Response;
  try {
    response = await doFetch(path, { method, headers, body: payload, credentials: 'omit', cache: 'no-store', signal: AbortSignal.timeout(180_000) });
  } catch {
    throw new ImportError('offline');
  }
  if (!response.ok) {
    let message = `HTTP ${response.status}`;
    try {
      const json = (await response.json()) as { message?: unknown };
      if (typeof json.message === 'string') message = json.message;
    } catch {
      // Not JSON: the status says enough.
    }
    const problem: ImportProblem = response.status === 401 ? 'signIn' : response.status === 404 ? 'notFound' : response.status < 500 ? 'refused' : 'server';
    throw new ImportError(problem, message, response.status);
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
