import { ApiError, NetworkError, type ApiClient } from '../../api';
import type { TruongAnDb } from '../../db/database';
import { getAccount } from '../../db/repositories/accounts';
import { getMeta, setMeta } from '../../db/repositories/meta';
import { tokenUsable } from '../../sync/accounts';
import { UnitDueResponseSchema, type SchoolDueSummary, type UnitDueResponse } from '../../../shared/plan/due-wire';
import { nameMatches, searchKey } from '../attendance/search';

/**
 * The per-unit "what is due" list of officers. Their devices hold no school's sessions, so the server works the
 * list out; the last answer is kept on the device, per user, unit and school year, for reading offline.
 */

/** Per user as well: on a shared tablet, one officer's answer is not shown to the next person who signs in. */
export const unitDueKey = (userId: string, unitId: string, schoolYearId: string) => `unitDue:${userId}:${unitId}:${schoolYearId}` as const;

/** The answer kept on this device, or null; a stored value that no longer fits the contract is ignored. */
export async function readSavedUnitDue(
  db: TruongAnDb,
  userId: string,
  unitId: string,
  schoolYearId: string,
): Promise<UnitDueResponse | null> {
  const stored = await getMeta<unknown>(unitDueKey(userId, unitId, schoolYearId), db);
  if (stored === undefined) return null;
  const parsed = UnitDueResponseSchema.safeParse(stored);
  return parsed.success && parsed.data.unitId === unitId && parsed.data.schoolYear.id === schoolYearId ? parsed.data : null;
}

/** Why no fresh answer could be had, as the page explains it. */
export type UnitDueProblem = 'offline' | 'signIn' | 'notFound' | 'server';

export class UnitDueError extends Error {
  constructor(readonly problem: UnitDueProblem) {
    super(problem);
    this.name = 'UnitDueError';
  }
}

export function problemOf(error: unknown): UnitDueProblem {
  if (error instanceof UnitDueError) return error.problem;
  if (error instanceof NetworkError) return 'offline';
  if (error instanceof ApiError) {
    if (error.status === 401) return 'signIn';
    if (error.status === 403 || error.status === 404) return 'notFound';
  }
  return 'server';
}

/** Asks the server for a fresh answer and keeps it on the device; throws a `UnitDueError`. */
export async function fetchUnitDue(
  deps: { db: TruongAnDb; api: ApiClient; now: () => number; isOnline: () => boolean },
  userId: string,
  unitId: string,
  schoolYearId: string,
): Promise<UnitDueResponse> {
  if (!deps.isOnline()) throw new UnitDueError('offline');
  const account = await getAccount(userId, deps.db);
  if (!tokenUsable(account, deps.now())) throw new UnitDueError('signIn');
  let answer: UnitDueResponse;
  try {
    answer = await deps.api.unitDue(account.token, { unitId, schoolYearId });
  } catch (error) {
    throw new UnitDueError(problemOf(error));
  }
  await setMeta(unitDueKey(userId, unitId, schoolYearId), answer, deps.db);
  return answer;
}

/** Schools whose name matches what was typed (without tone marks: "dich vong" finds "Dịch Vọng"). */
export function filterSchools(schools: readonly SchoolDueSummary[], query: string): SchoolDueSummary[] {
  if (searchKey(query) === '') return [...schools];
  return schools.filter((s) => nameMatches(searchKey(s.name), query));
}
