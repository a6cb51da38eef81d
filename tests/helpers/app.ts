import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app';
import { loadConfig } from '../../src/server/config';
import type { TestDb } from './db';
import { PASSWORD } from './fixtures';

/** The real app on a test database, without a built client and without logs. */
export async function buildTestApp(db: TestDb): Promise<FastifyInstance> {
  return buildApp({ config: loadConfig({ LOG_LEVEL: 'silent' }), db, logger: false });
}

/** Signs in through the real endpoint and returns the bearer header. */
export async function signIn(app: FastifyInstance, username: string, password = PASSWORD): Promise<Record<string, string>> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`sign-in of ${username} failed: ${res.statusCode} ${res.body}`);
  return { authorization: `Bearer ${(res.json() as { token: string }).token}` };
}
