import { describe, expect, it } from 'vitest';
import { LoginLimiter } from '../../../src/server/auth/login-limiter';

const MINUTE = 60_000;

describe('LoginLimiter', () => {
  it('allows up to the username limit, then asks to wait until the oldest failure leaves the window', () => {
    const limiter = new LoginLimiter(5, 30, 15 * MINUTE);
    const t0 = 1_000_000;
    for (let i = 0; i < 5; i++) {
      expect(limiter.retryAfter('teachera', '10.0.0.1', t0 + i * MINUTE)).toBe(0);
      limiter.recordFailure('teachera', `10.0.0.${i}`, t0 + i * MINUTE);
    }
    const now = t0 + 5 * MINUTE;
    expect(limiter.retryAfter('teachera', '10.9.9.9', now)).toBe(10 * MINUTE);
    expect(limiter.retryAfter('TeacherA', '10.9.9.9', now)).toBe(10 * MINUTE);
    expect(limiter.retryAfter('teacherb', '10.9.9.9', now)).toBe(0);
    // The window slides: once the first failure is 15 minutes old, one more attempt is allowed.
    expect(limiter.retryAfter('teachera', '10.9.9.9', t0 + 15 * MINUTE - 1)).toBe(1);
    expect(limiter.retryAfter('teachera', '10.9.9.9', t0 + 15 * MINUTE)).toBe(0);
  });

  it('limits an address across usernames', () => {
    const limiter = new LoginLimiter(5, 3, 15 * MINUTE);
    const t0 = 5_000_000;
    for (let i = 0; i < 3; i++) limiter.recordFailure(`user-${i}`, '10.0.0.1', t0);
    expect(limiter.retryAfter('someone-else', '10.0.0.1', t0 + MINUTE)).toBe(14 * MINUTE);
    expect(limiter.retryAfter('someone-else', '10.0.0.2', t0 + MINUTE)).toBe(0);
  });

  it('forgets a username’s failures after a successful sign-in, but not the address’s', () => {
    const limiter = new LoginLimiter(2, 3, 15 * MINUTE);
    const t0 = 9_000_000;
    limiter.recordFailure('principala', '10.0.0.1', t0);
    limiter.recordFailure('principala', '10.0.0.1', t0);
    expect(limiter.retryAfter('principala', '10.0.0.2', t0)).toBeGreaterThan(0);
    limiter.recordSuccess('PrincipalA');
    expect(limiter.retryAfter('principala', '10.0.0.2', t0)).toBe(0);
    limiter.recordFailure('other', '10.0.0.1', t0);
    expect(limiter.retryAfter('principala', '10.0.0.1', t0)).toBe(15 * MINUTE);
  });

  it('drops failures older than the window', () => {
    const limiter = new LoginLimiter(2, 30, MINUTE);
    limiter.recordFailure('trainer', '10.0.0.1', 0);
    limiter.recordFailure('trainer', '10.0.0.1', MINUTE / 2);
    expect(limiter.retryAfter('trainer', '10.0.0.1', MINUTE / 2)).toBe(MINUTE / 2);
    // A failure exactly one window old no longer counts: one failure left, below the limit.
    expect(limiter.retryAfter('trainer', '10.0.0.1', MINUTE)).toBe(0);
    limiter.recordFailure('trainer', '10.0.0.1', MINUTE);
    expect(limiter.retryAfter('trainer', '10.0.0.1', MINUTE)).toBe(MINUTE / 2);
  });
});
