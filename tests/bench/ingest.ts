import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrateToLatest, openDatabase } from '../../src/server/db';
import { newId } from '../../src/shared/domain/ids';
import { SCHEMA_VERSION } from '../../src/shared/sync/wire';
import { ATTENDANCE_STATUSES } from '../../src/shared/domain/records';
import { ServerProcess } from '../helpers/server-process';
import { createSyntheticSchool } from './synthetic-school';

export interface IngestFigures {
  marksPerSec: number;
  marks: number;
  seconds: number;
  peakRssMb: number;
}

function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/**
 * `ingestMarksPerSec`: 100,000 attendance.mark mutations through POST /api/sync/push in batches, against the real
 * server process on a 2,000-student school; peak RSS of the server process from /proc.
 */
export async function benchIngest(
  kind: 'sqlite' | 'postgres',
  { marks = 100_000, batch = 500, port = 18390 } = {},
): Promise<IngestFigures> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'truongan-bench-'));
  let databaseUrl: string | undefined;
  let dropDatabase: (() => Promise<void>) | null = null;
  if (kind === 'postgres') {
    const base = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    const name = `bench_${Date.now()}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(base);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropDatabase = async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  }
  const db = openDatabase({ databaseUrl, dataDir });
  await migrateToLatest(db);
  const school = await createSyntheticSchool(db.kysely);
  await db.close();

  const server = new ServerProcess({ port, dataDir, databaseUrl, logLevel: 'warn' });
  await server.start();
  try {
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: school.teacherUsername, password: school.password }),
    });
    const { token } = (await login.json()) as { token: string };
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const clientTime = new Date().toISOString();
    const bodies: string[] = [];
    for (let i = 0; i < marks; i += batch) {
      const mutations = [];
      for (let j = i; j < Math.min(marks, i + batch); j++) {
        mutations.push({
          id: newId(),
          name: 'attendance.mark',
          args: {
            sessionId: school.sessionIds[j % school.sessionIds.length],
            personId: school.studentIds[Math.floor(j / school.sessionIds.length) % school.studentIds.length],
            status: ATTENDANCE_STATUSES[j % 4],
          },
          clientTime,
        });
      }
      bodies.push(JSON.stringify({ clientId: 'bench-client-1', schemaVersion: SCHEMA_VERSION, mutations }));
    }
    const started = performance.now();
    let applied = 0;
    for (const body of bodies) {
      const res = await fetch(`${server.url}/api/sync/push`, { method: 'POST', headers, body });
      if (!res.ok) throw new Error(`push failed: ${res.status} ${await res.text()}`);
      const out = (await res.json()) as { results: { status: string; error?: string }[] };
      for (const r of out.results) {
        if (r.status !== 'applied') throw new Error(`mutation not applied: ${JSON.stringify(r)}`);
        applied++;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    return { marksPerSec: Math.round(applied / seconds), marks: applied, seconds: Number(seconds.toFixed(2)), peakRssMb: peakRssMb(server.child!.pid!) };
  } finally {
    await server.stop('SIGTERM');
    await dropDatabase?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
