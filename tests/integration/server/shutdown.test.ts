import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const PORT = 18110;

interface Answer {
  status: number;
  body: string;
  at: number;
}

/** One request on its own connection (no keep-alive), so that "refused" means a new connection was refused. */
function request(method: string, url: string, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      `http://127.0.0.1:${PORT}${url}`,
      {
        method,
        agent: false,
        headers: { connection: 'close', ...(data ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, at: Date.now() }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

async function waitForHealth(child: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`server exited early with ${child.exitCode}`);
    const ok = await request('GET', '/api/health').then(
      (a) => a.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not answer /api/health in time');
}

// The real process, as `npm start` runs it: only on SQLite, the database it needs no service for.
describe('graceful shutdown of the real server', () => {
  let dataDir: string;
  let child: ChildProcess;
  let stderr = '';
  let exited: Promise<number | null>;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'truong-an-shutdown-'));
    child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['src/server/cli/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(PORT), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_URL: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    await waitForHealth(child, 45_000);
  }, 60_000);

  afterAll(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('finishes the requests in flight, refuses new connections, and exits 0 on SIGTERM', async () => {
    // Each sign-in runs argon2 (tens of ms on the thread pool), so a batch of them is still running when the signal lands.
    // Stays under the per-address limit of 30 failed sign-ins, so every answer is the sign-in's own verdict.
    const inFlight = Array.from({ length: 24 }, (_, i) =>
      request('POST', '/api/auth/login', { username: `shutdown-probe-${i}`, password: 'not-a-real-password' }),
    );
    await new Promise((r) => setTimeout(r, 60));
    const signalledAt = Date.now();
    child.kill('SIGTERM');

    // New connections: answered normally until the signal is handled, then refused. In the instant of closing a
    // connection may already be accepted: it is answered 503 (Fastify's return503OnClosing) or, if its request had
    // not been read yet, reset; both tell a client to retry, which is what a refusal tells it.
    let refusedAt = 0;
    while (refusedAt === 0 && Date.now() - signalledAt < 5_000) {
      const outcome = await request('GET', '/api/health').then(
        (a) => a.status,
        (err: NodeJS.ErrnoException) => err.code,
      );
      if (outcome === 'ECONNREFUSED') refusedAt = Date.now();
      else expect([200, 503, 'ECONNRESET']).toContain(outcome);
    }
    expect(refusedAt, 'new connections were still accepted 5 s after SIGTERM').toBeGreaterThan(0);

    const answers = await Promise.all(inFlight);
    const code = await exited;

    for (const a of answers) {
      // A normal answer: the sign-in's own verdict, never a dropped connection or a 503.
      expect(a.status, a.body).toBe(401);
      expect(JSON.parse(a.body)).toMatchObject({ error: 'unauthorized' });
    }
    // Some sign-ins were answered after the server had stopped taking connections: they were in flight and finished.
    expect(answers.some((a) => a.at >= refusedAt), 'no request was still in flight when the server began closing').toBe(true);
    expect(code, stderr).toBe(0);
  });
});
