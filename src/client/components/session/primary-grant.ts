import type { Role, RoleGrant } from '../../../shared/auth';

/**
 * The role whose home page and unit a user sees first when they hold several (a principal who also
 * teaches, an officer who also administers): the widest responsibility comes first.
 */
const PRECEDENCE: readonly Role[] = ['admin', 'officer', 'principal', 'trainer', 'teacher'];

export function primaryGrant(grants: readonly RoleGrant[]): RoleGrant | null {
  let best: RoleGrant | null = null;
  for (const grant of grants) {
    if (best === null || PRECEDENCE.indexOf(grant.role) < PRECEDENCE.indexOf(best.role)) best = grant;
  }
  return best;
}
