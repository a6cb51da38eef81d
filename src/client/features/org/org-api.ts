import type {
  AccountView,
  BulkAccountsResponse,
  OrgUnitView,
  UnitMembershipView,
} from '../../../shared/org/api';
import type { Role } from '../../../shared/auth';
import { ApiError } from '../../api';
import { fetchAsAccount, SIGN_IN_NEEDED, type AccountCallDeps } from '../../sync/accounts';

/**
 * The online half of organisation management: the tree, accounts and personal-data requests are answered by the
 * server (they act across devices, or hand out secrets), so they need the network and say plainly when it is missing.
 * Rosters themselves are edited offline through mutations (see RosterPage).
 */
export type OrgProblem = 'offline' | 'signIn' | 'notFound' | 'invalid' | 'forbidden' | 'server';

export class OrgError extends Error {
  constructor(
    readonly problem: OrgProblem,
    message: string = problem,
  ) {
    super(message);
    this.name = 'OrgError';
  }
}

export type OrgDeps = AccountCallDeps;

const problemFor = (status: number): OrgProblem =>
  status === 401 ? 'signIn' : status === 403 ? 'forbidden' : status === 404 ? 'notFound' : status === 400 ? 'invalid' : 'server';

async function request(deps: OrgDeps, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<Response> {
  try {
    return await fetchAsAccount(deps, path, { method, json: body, timeoutMs: 120_000 });
  } catch (error) {
    if (!(error instanceof ApiError)) throw new OrgError('offline');
    throw error.code === SIGN_IN_NEEDED ? new OrgError('signIn') : new OrgError(problemFor(error.status), error.message);
  }
}

const json = async <T>(response: Response): Promise<T> => (response.status === 204 ? (undefined as T) : ((await response.json()) as T));
const id = (s: string) => encodeURIComponent(s);

export const orgApi = {
  units: async (deps: OrgDeps) => (await json<{ units: OrgUnitView[] }>(await request(deps, 'GET', '/api/org/units'))).units,
  history: async (deps: OrgDeps, unitId: string) =>
    (await json<{ history: UnitMembershipView[] }>(await request(deps, 'GET', `/api/org/units/${id(unitId)}/history`))).history,
  createUnit: async (deps: OrgDeps, body: { kind: string; name: string; parentId: string; code?: string | null; schoolLevel?: string | null }) =>
    json<OrgUnitView>(await request(deps, 'POST', '/api/org/units', body)),
  renameUnit: async (deps: OrgDeps, unitId: string, name: string) =>
    json<OrgUnitView>(await request(deps, 'PATCH', `/api/org/units/${id(unitId)}`, { name })),
  moveUnit: async (deps: OrgDeps, unitId: string, parentId: string) =>
    json<OrgUnitView>(await request(deps, 'POST', `/api/org/units/${id(unitId)}/move`, { parentId })),
  setCluster: async (deps: OrgDeps, unitId: string, clusterId: string | null) =>
    json<OrgUnitView>(await request(deps, 'POST', `/api/org/units/${id(unitId)}/cluster`, { clusterId })),

  accounts: async (deps: OrgDeps, schoolId: string) =>
    json<{ accounts: AccountView[]; staffWithoutAccount: { personId: string; fullName: string }[] }>(
      await request(deps, 'GET', `/api/schools/${id(schoolId)}/accounts`),
    ),
  bulkCreate: async (deps: OrgDeps, schoolId: string, personIds: string[], role: 'teacher' | 'principal') =>
    json<BulkAccountsResponse>(await request(deps, 'POST', `/api/schools/${id(schoolId)}/accounts/bulk`, { personIds, role })),
  resetPassword: async (deps: OrgDeps, userId: string) =>
    json<{ username: string; initialPassword: string }>(await request(deps, 'POST', `/api/accounts/${id(userId)}/reset-password`)),
  setActive: async (deps: OrgDeps, userId: string, active: boolean) =>
    json<void>(await request(deps, 'POST', `/api/accounts/${id(userId)}/${active ? 'activate' : 'deactivate'}`)),
  grant: async (deps: OrgDeps, userId: string, role: Role, unitId: string, add: boolean) =>
    json<void>(await request(deps, 'POST', `/api/accounts/${id(userId)}/grants${add ? '' : '/remove'}`, { role, unitId })),

  exportPerson: async (deps: OrgDeps, personId: string) => (await request(deps, 'GET', `/api/persons/${id(personId)}/export`)).blob(),
  erasePerson: async (deps: OrgDeps, personId: string) =>
    json<{ erased: true; removed: Record<string, number> }>(await request(deps, 'DELETE', `/api/persons/${id(personId)}`)),
  rosterCsv: async (deps: OrgDeps, schoolId: string) => (await request(deps, 'GET', `/api/schools/${id(schoolId)}/roster.csv`)).blob(),
  changePassword: async (deps: OrgDeps, currentPassword: string, newPassword: string) =>
    json<void>(await request(deps, 'POST', '/api/auth/password', { currentPassword, newPassword })),
};

/** Offers a downloaded file to the user (the bytes stay in memory only until the browser has saved them). */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
