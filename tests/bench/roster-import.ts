import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrateToLatest, openDatabase } from '../../src/server/db';
import { createFixture, PASSWORD } from '../helpers/fixtures';
import { ServerProcess } from '../helpers/server-process';
import { studentRecords, studentWorkbook } from '../fixtures/roster/make-fixtures';

export interface ImportFigures {
  /** Median of the runs, upload of the file to applied. */
  median: number;
  runs: { previewMs: number; applyMs: number; totalMs: number }[];
  rows: number;
  fileBytes: number;
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * `import2000RowsMs`: a principal's 2,000-student "C1-HocSinh" workbook (lookup sheets, title block, 16 columns)
 * uploaded for a preview and applied, over HTTP against the real server process. Three runs, each into a school
 * whose roster is still empty (the fixture's three schools, as the admin), so every run creates 2,000 people and
 * their classes.
 */
export async function benchRosterImport(kind: 'sqlite' | 'postgres', { port = 18417 } = {}): Promise<ImportFigures> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'truongan-bench-import-'));
  let databaseUrl: string | undefined;
  let dropDatabase: (() => Promise<void>) | null = null;
  if (kind === 'postgres') {
    const base = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    const name = `bench_import_${Date.now()}`;
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
  const f = await createFixture(db.kysely, 0);
  await db.close();

  const file = await studentWorkbook(studentRecords(2000, 3));
  const server = new ServerProcess({ port, dataDir, databaseUrl, logLevel: 'warn' });
  await server.start();
  try {
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    const { token } = (await login.json()) as { token: string };
    const auth = { authorization: `Bearer ${token}` };
    const runs: ImportFigures['runs'] = [];
    for (const schoolId of [f.schoolA, f.schoolB, f.schoolC]) {
      const t0 = performance.now();
      const up = await fetch(`${server.url}/api/schools/${schoolId}/imports?kind=students&schoolYearId=${f.schoolYear}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': XLSX },
        body: new Uint8Array(file),
      });
      if (up.status !== 201) throw new Error(`preview answered ${up.status}: ${await up.text()}`);
      const { id, summary } = (await up.json()) as { id: string; summary: { create: number } };
      if (summary.create !== 2000) throw new Error(`preview would create ${summary.create}`);
      const t1 = performance.now();
      const applied = await fetch(`${server.url}/api/imports/${id}/apply`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ confirm: true }),
      });
      if (applied.status !== 200) throw new Error(`apply answered ${applied.status}: ${await applied.text()}`);
      await applied.json();
      const t2 = performance.now();
      runs.push({ previewMs: Math.round(t1 - t0), applyMs: Math.round(t2 - t1), totalMs: Math.round(t2 - t0) });
    }
    const totals = runs.map((r) => r.totalMs).sort((a, b) => a - b);
    return { median: totals[1]!, runs, rows: 2000, fileBytes: file.length };
  } finally {
    await server.stop();
    await dropDatabase?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
