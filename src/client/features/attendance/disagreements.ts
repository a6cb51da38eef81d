import { DisagreementsResponseSchema, type DisagreementsResponse } from '../../../shared/domain/disagreements';
import type { TruongAnDb } from '../../db/database';
import { getAccount } from '../../db/repositories/accounts';
import { tokenUsable } from '../../sync/accounts';

export type DisagreementsProblem = 'offline' | 'signIn' | 'notFound' | 'server';

/**
 * The marks devices disagree on for one session, asked online from the server (only it has every device's marks).
 * Only the school's principal is answered; others get `notFound` and the minutes simply leave the section out.
 */
export async function fetchDisagreements(
  deps: { db: TruongAnDb; fetch?: typeof fetch; now?: () => number },
  userId: string,
  sessionId: string,
): Promise<{ ok: true; value: DisagreementsResponse } | { ok: false; problem: DisagreementsProblem }> {
  const account = await getAccount(userId, deps.db);
  if (!tokenUsable(account, (deps.now ?? Date.now)())) return { ok: false, problem: 'signIn' };
  let response: Response;
  try {
    response = await (deps.fetch ?? globalThis.fetch)(`/api/sessions/${encodeURIComponent(sessionId)}/disagreements`, {
      headers: { accept: 'application/json', authorization: `Bearer ${account.token}` },
      credentials: 'omit',
      cache: 'no-store',
      signal: AbortSignal.timeout(20_000),
    });
  } catch {
    return { ok: false, problem: 'offline' };
  }
  if (response.status === 401) return { ok: false, problem: 'signIn' };
  if (response.status === 403 || response.status === 404) return { ok: false, problem: 'notFound' };
  if (!response.ok) return { ok: false, problem: 'server' };
  try {
    const parsed = DisagreementsResponseSchema.safeParse(await response.json());
    return parsed.success ? { ok: true, value: parsed.data } : { ok: false, problem: 'server' };
  } catch {
    return { ok: false, problem: 'offline' };
  }
}
