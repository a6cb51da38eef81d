import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { putAccount } from '../../../../src/client/db/repositories/accounts';
import type { TruongAnDb } from '../../../../src/client/db/database';
import { fetchDisagreements } from '../../../../src/client/features/attendance/disagreements';
import { freshDb } from '../sync/harness';

let db: TruongAnDb | null = null;
afterEach(async () => {
  await db?.delete();
  db = null;
});

async function withAccount(token: string | null) {
  db = freshDb();
  const userId = randomUUID();
  await putAccount(
    {
      userId,
      username: 'ht.test',
      user: { id: userId, username: 'ht.test', displayName: 'Hiệu trưởng', personId: null, mustChangePassword: false, grants: [] } as never,
      token,
      expiresAt: null,
      verifier: null,
      needsReauth: false,
      lastSignInAt: new Date().toISOString(),
    },
    db,
  );
  return userId;
}

describe('fetchDisagreements', () => {
  it('asks the server with the user\'s token and checks the answer\'s shape', async () => {
    const userId = await withAccount('token-1');
    const sessionId = randomUUID();
    const personId = randomUUID();
    const calls: { url: string; auth: string | null }[] = [];
    const fake = (async (url: string, init?: RequestInit) => {
      calls.push({ url, auth: new Headers(init?.headers).get('authorization') });
      return new Response(
        JSON.stringify({
          sessionId,
          people: [
            {
              personId,
              fullName: 'Nguyễn Văn An',
              classId: null,
              current: 'absent',
              marks: [{ status: 'present', note: null, markedBy: 'u1', markedByName: 'Cô Lan', markedAt: '2025-10-01T01:00:00.000Z', clientId: 'a', receivedAt: '2025-10-01T01:00:01.000Z' }],
            },
          ],
        }),
        { status: 200, headers: { 'content-type': 'application/json' } },
      );
    }) as typeof fetch;
    const answer = await fetchDisagreements({ db: db!, fetch: fake }, userId, sessionId);
    expect(calls).toEqual([{ url: `/api/sessions/${sessionId}/disagreements`, auth: 'Bearer token-1' }]);
    expect(answer.ok && answer.value.people[0]!.fullName).toBe('Nguyễn Văn An');
  });

  it('tells "not found", "offline", "sign in" and a malformed answer apart', async () => {
    const userId = await withAccount('token-1');
    const answer = (status: number, body = '{}') => (async () => new Response(body, { status })) as unknown as typeof fetch;
    expect(await fetchDisagreements({ db: db!, fetch: answer(404) }, userId, randomUUID())).toEqual({ ok: false, problem: 'notFound' });
    expect(await fetchDisagreements({ db: db!, fetch: answer(401) }, userId, randomUUID())).toEqual({ ok: false, problem: 'signIn' });
    expect(await fetchDisagreements({ db: db!, fetch: answer(200, '{"people":7}') }, userId, randomUUID())).toEqual({ ok: false, problem: 'server' });
    const down = (() => Promise.reject(new TypeError('network'))) as unknown as typeof fetch;
    expect(await fetchDisagreements({ db: db!, fetch: down }, userId, randomUUID())).toEqual({ ok: false, problem: 'offline' });
  });

  it('does not ask without a usable token', async () => {
    const userId = await withAccount(null);
    let asked = false;
    const fake = (() => {
      asked = true;
      return Promise.resolve(new Response('{}'));
    }) as unknown as typeof fetch;
    expect(await fetchDisagreements({ db: db!, fetch: fake }, userId, randomUUID())).toEqual({ ok: false, problem: 'signIn' });
    expect(asked).toBe(false);
  });
});
