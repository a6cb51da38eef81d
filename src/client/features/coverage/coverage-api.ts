import type { z } from 'zod';
import {
  SchoolCoverageResponseSchema,
  UnitCoverageResponseSchema,
  type SchoolCoverageResponse,
  type UnitCoverageResponse,
} from '../../../shared/coverage/wire';
import { getMeta, setMeta } from '../../db/repositories/meta';
import { ApiError, NetworkError } from '../../api';
import type { TruongAnDb } from '../../db/database';
import { fetchAsAccount, type AccountCallDeps } from '../../sync/accounts';
import { termNoOf, type PeriodChoice } from './coverage-view';

/**
 * Officers' coverage views read the server's figures (their devices hold no school's rows). The last answer for each
 * unit or school and period is kept on the device, per user, so the view still reads offline.
 */
export type CoverageProblem = 'offline' | 'signIn' | 'notFound' | 'server';

export class CoverageError extends Error {
  constructor(readonly problem: CoverageProblem) {
    super(problem);
    this.name = 'CoverageError';
  }
}

export type CoverageDeps = AccountCallDeps;

/** Per user: on a shared tablet, one officer's figures are not shown to the next person who signs in. */
export const unitCoverageKey = (userId: string, unitId: string, period: PeriodChoice) => `coverage:${userId}:unit:${unitId}:${period}` as const;
export const schoolCoverageKey = (userId: string, schoolId: string, period: PeriodChoice) =>
  `coverage:${userId}:school:${schoolId}:${period}` as const;

async function getJson<S extends z.ZodType>(deps: CoverageDeps, path: string, schema: S): Promise<z.infer<S>> {
  let response: Response;
  try {
    response = await fetchAsAccount(deps, path);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) throw new CoverageError('signIn');
    if (error instanceof ApiError && (error.status === 403 || error.status === 404)) throw new CoverageError('notFound');
    throw new CoverageError(error instanceof NetworkError ? 'offline' : 'server');
  }
  const parsed = schema.safeParse(await response.json().catch(() => null));
  if (!parsed.success) throw new CoverageError('server');
  return parsed.data;
}

function periodQuery(period: PeriodChoice): string {
  const termNo = termNoOf(period);
  return termNo === undefined ? '' : `termNo=${termNo}`;
}

/** A fresh answer for a unit, kept on the device; throws a `CoverageError`. */
export async function fetchUnitCoverage(deps: CoverageDeps, unitId: string, period: PeriodChoice): Promise<UnitCoverageResponse> {
  const q = [`unitId=${encodeURIComponent(unitId)}`, periodQuery(period)].filter(Boolean).join('&');
  const answer = await getJson(deps, `/api/coverage?${q}`, UnitCoverageResponseSchema);
  await setMeta(unitCoverageKey(deps.userId, unitId, period), answer, deps.db);
  return answer;
}

export async function fetchSchoolCoverage(deps: CoverageDeps, schoolId: string, period: PeriodChoice): Promise<SchoolCoverageResponse> {
  const q = periodQuery(period);
  const answer = await getJson(deps, `/api/coverage/schools/${encodeURIComponent(schoolId)}${q ? `?${q}` : ''}`, SchoolCoverageResponseSchema);
  await setMeta(schoolCoverageKey(deps.userId, schoolId, period), answer, deps.db);
  return answer;
}

/** The answer kept on this device, or null; a stored value that no longer fits the contract is ignored. */
export async function savedUnitCoverage(db: TruongAnDb, userId: string, unitId: string, period: PeriodChoice): Promise<UnitCoverageResponse | null> {
  const parsed = UnitCoverageResponseSchema.safeParse(await getMeta<unknown>(unitCoverageKey(userId, unitId, period), db));
  return parsed.success && parsed.data.unitId === unitId ? parsed.data : null;
}

export async function savedSchoolCoverage(
  db: TruongAnDb,
  userId: string,
  schoolId: string,
  period: PeriodChoice,
): Promise<SchoolCoverageResponse | null> {
  const parsed = SchoolCoverageResponseSchema.safeParse(await getMeta<unknown>(schoolCoverageKey(userId, schoolId, period), db));
  return parsed.success && parsed.data.school.id === schoolId ? parsed.data : null;
}

/**
 * Fresh figures when the server answers, else the saved ones with the reason they are not fresh; both null when
 * nothing was ever saved. Used by both officer views.
 */
export async function freshOrSaved<T>(
  fetchFresh: () => Promise<T>,
  readSaved: () => Promise<T | null>,
): Promise<{ data: T | null; problem: CoverageProblem | null }> {
  try {
    return { data: await fetchFresh(), problem: null };
  } catch (error) {
    const problem = error instanceof CoverageError ? error.problem : 'server';
    return { data: await readSaved(), problem };
  }
}
