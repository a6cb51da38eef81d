export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2_000, capMs: 5 * 60_000 };

/**
 * "Full jitter" exponential backoff: a random wait between 0 and min(cap, base·2^attempt). The randomness spreads
 * thousands of tablets that lost the network together (a school's Wi-Fi coming back) over the whole window
 * instead of letting them hit the server in waves. `attempt` counts failures so far, from 0.
 */
export function backoffDelay(attempt: number, random: () => number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
