import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import pg from 'pg';
import { sql } from 'kysely';
import { chromium } from '@playwright/test';
import { buildApp } from '../../src/server/app';
import { loadConfig } from '../../src/server/config';
import { migrateToLatest, openDatabase, type Db } from '../../src/server/db';
import { hashPassword } from '../../src/server/auth/passwords';
import { reserveVersions } from '../../src/server/db/versions';
import { toSharedRows } from '../../src/server/sync/rows';
import { newId } from '../../src/shared/domain/ids';
import { classCoverage, computeSchoolCoverage, periodOf, type SchoolCoverageInput } from '../../src/shared/coverage';
import type { SchoolLevel } from '../../src/shared/domain/org';
import { CHROMIUM_ARGS } from './browser';
import { generateCity, type CityInfo } from './city/generate';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** A fresh database of its own: a temporary SQLite file, or a new PostgreSQL database dropped afterwards. */
async function freshDb(kind: 'sqlite' | 'postgres'): Promise<{ db: Db; drop(): Promise<void> }> {
  if (kind === 'sqlite') {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'truongan-city-'));
    const db = openDatabase({ dataDir });
    return {
      db,
      drop: async () => {
        await db.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const base = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `city_${Date.now()}`;
  const admin = async (text: string) => {
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    await c.query(text);
    await c.end();
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const db = openDatabase({ databaseUrl: url.toString() });
  return {
    db,
    drop: async () => {
      await db.close();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

export interface DashboardFigures {
  /**
   * The first GET /api/coverage for the Sở (all indicators, all schools) ever, right after the city was generated:
   * nothing persisted yet, every school counted in SQL (and the counts stored in `coverage_counts`).
   */
  coldMs: number;
  /** What `coldMs` is, printed with the figures so nobody mistakes one cold figure for the other. */
  coldIs: 'first-ever (nothing counted yet)';
  /**
   * The first call of a freshly started server (a new app over the same database, empty memory) after `coldMs`'s
   * server had answered and 10 % of the schools changed: unchanged schools come from `coverage_counts`, the changed
   * ones are recounted.
   */
  coldAfterRestartMs: number;
  /** Median of the calls after it, nothing changed in between: the counts come from the version-checked cache. */
  warmMs: number;
  /** The call after 10 % of the schools each got one new attendance mark: those schools are recounted. */
  afterChangesMs: number;
  runs: number[];
  schools: number;
  rows: Record<string, number>;
  generateSeconds: number;
}

/**
 * `cityDashboardMs`: a synthetic city at `scale`, then the Sở dashboard (GET /api/coverage for the department:
 * every school, every indicator) answered by the real app through `inject` (the whole route, validation,
 * authorisation and JSON included), one warm-up then `runs` timed calls.
 */
export async function benchCityDashboard(kind: 'sqlite' | 'postgres', { scale = 0.1, runs = 5, verbose = false } = {}): Promise<DashboardFigures> {
  const { db, drop } = await freshDb(kind);
  try {
    await migrateToLatest(db);
    const t0 = performance.now();
    const city: CityInfo = await generateCity(db.kysely, { scale, verbose, kind });
    const generateSeconds = Math.round((performance.now() - t0) / 100) / 10;
    // Fresh tables: PostgreSQL's autovacuum would gather statistics within a minute; do it now.
    if (kind === 'postgres') await sql`ANALYZE`.execute(db.kysely);
    const username = `so-bench-${newId().slice(-8)}`;
    const password = 'bench-password-1';
    await db.kysely
      .insertInto('users')
      .values({
        id: newId(),
        username,
        display_name: 'Cán bộ Sở (bench)',
        password_hash: await hashPassword(password),
        person_id: null,
        active: 1,
        must_change_password: 0,
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
      } as never)
      .execute();
    const user = await db.kysely.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow();
    await db.kysely
      .insertInto('role_grants')
      .values({ id: newId(), user_id: user.id, role: 'officer', unit_id: city.departmentId, created_at: new Date().toISOString() })
      .execute();
    const app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent' }), db, logger: false });
    let closed = false;
    try {
      const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
      const headers = { authorization: `Bearer ${(login.json() as { token: string }).token}` };
      const url = `/api/coverage?unitId=${city.departmentId}&schoolYearId=${city.schoolYearId}`;
      const times: number[] = [];
      let schools = 0;
      const call = async (): Promise<number> => {
        const t = performance.now();
        const res = await app.inject({ method: 'GET', url, headers });
        const ms = performance.now() - t;
        if (res.statusCode !== 200) throw new Error(`dashboard answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
        schools = (res.json() as { schools: unknown[] }).schools.length;
        return Math.round(ms);
      };
      const coldMs = await call();
      for (let i = 0; i < runs; i++) times.push(await call());
      // A morning's sync: one school in ten pushes a mark (a new version in its stream, as the sync path takes).
      const changed = city.schoolIds.filter((_, i) => i % 10 === 0);
      await db.kysely.transaction().execute(async (trx) => {
        for (const schoolId of changed) {
          const mark = await trx.selectFrom('attendance').select(['id']).where('school_id', '=', schoolId).limit(1).executeTakeFirst();
          if (!mark) continue;
          await trx.updateTable('attendance').set({ status: 'present', version: await reserveVersions(trx, schoolId) }).where('id', '=', mark.id).execute();
        }
      });
      const afterChangesMs = await call();
      // Another change in the same schools, then a restart: a new server's first call, its memory empty.
      await db.kysely.transaction().execute(async (trx) => {
        for (const schoolId of changed) {
          const mark = await trx.selectFrom('attendance').select(['id']).where('school_id', '=', schoolId).limit(1).executeTakeFirst();
          if (!mark) continue;
          await trx.updateTable('attendance').set({ status: 'present', version: await reserveVersions(trx, schoolId) }).where('id', '=', mark.id).execute();
        }
      });
      await app.close();
      closed = true;
      const restarted = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent' }), db, logger: false });
      let coldAfterRestartMs: number;
      try {
        const t = performance.now();
        const res = await restarted.inject({ method: 'GET', url, headers });
        coldAfterRestartMs = Math.round(performance.now() - t);
        if (res.statusCode !== 200) throw new Error(`dashboard after restart answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
      } finally {
        await restarted.close();
      }
      return {
        coldMs,
        coldIs: 'first-ever (nothing counted yet)',
        coldAfterRestartMs,
        warmMs: median(times),
        afterChangesMs,
        runs: times,
        schools,
        rows: city.rows,
        generateSeconds,
      };
    } finally {
      if (!closed) await app.close();
    }
  } finally {
    await drop();
  }
}

/** A 2,000-student school's rows as its device holds them after a pull (shared shapes), with a year of sessions. */
async function offlineSchoolInput(): Promise<{ input: Omit<SchoolCoverageInput, 'school'> & { school: { id: string; name: string; schoolLevel: SchoolLevel | null; above: string[] } }; rows: number }> {
  const db = openDatabase({ dataDir: ':memory:' });
  await migrateToLatest(db);
  const city = await generateCity(db.kysely, { scale: 0.0005, studentsPerSchool: [2000, 2000], staffPerSchool: [90, 90], kind: 'sqlite' });
  const k = db.kysely;
  const schoolId = city.largestSchoolId;
  const unit = await k.selectFrom('units').selectAll().where('id', '=', schoolId).executeTakeFirstOrThrow();
  const years = await toSharedRows(k, 'schoolYear', await k.selectFrom('school_years').selectAll().execute());
  const input = {
    school: { id: schoolId, name: unit.name, schoolLevel: unit.school_level as SchoolLevel, above: [unit.parent_id!, unit.cluster_id!, city.departmentId] },
    year: years.find((y) => y.id === city.schoolYearId)!,
    today: '2026-06-15',
    activityTypes: await toSharedRows(k, 'activityType', await k.selectFrom('activity_types').selectAll().execute()),
    requirements: await toSharedRows(k, 'requirement', await k.selectFrom('requirements').selectAll().execute()),
    classes: await toSharedRows(k, 'class', await k.selectFrom('classes').selectAll().where('school_id', '=', schoolId).execute()),
    persons: await toSharedRows(k, 'person', await k.selectFrom('persons').selectAll().where('school_id', '=', schoolId).execute()),
    sessions: await toSharedRows(k, 'session', await k.selectFrom('sessions').selectAll().where('school_id', '=', schoolId).execute()),
    attendance: await toSharedRows(k, 'attendance', await k.selectFrom('attendance').selectAll().where('school_id', '=', schoolId).execute()),
    commitments: await toSharedRows(k, 'commitment', await k.selectFrom('commitments').selectAll().where('school_id', '=', schoolId).execute()),
  };
  await db.close();
  const rows = input.persons.length + input.sessions.length + input.attendance.length + input.commitments.length + input.classes.length;
  return { input, rows };
}

export interface OfflineFigures {
  /** Median, in Chromium: every indicator of the whole year plus the per-class table. Null when Chromium is missing. */
  chromiumMs: number | null;
  chromiumRuns: number[];
  note?: string;
  /** The same in Node, for comparison. */
  nodeMs: number;
  students: number;
  rows: number;
}

/**
 * `schoolCoverageOfflineMs`: a 2,000-student school's indicators computed on the device: the shared pure functions,
 * bundled with esbuild as the app bundles them, run in Chromium over the school's rows as the device holds them.
 */
export async function benchSchoolCoverageOffline({ runs = 7 } = {}): Promise<OfflineFigures> {
  const { input, rows } = await offlineSchoolInput();
  const students = input.persons.filter((p) => p.kind === 'student').length;

  const run = (data: typeof input) => {
    const full: SchoolCoverageInput = { ...data, school: { ...data.school, unitsAbove: () => data.school.above } };
    const period = periodOf(full.year);
    computeSchoolCoverage(full, period);
    classCoverage(full, period);
  };
  const nodeTimes: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const t = performance.now();
    run(input);
    if (i > 0) nodeTimes.push(performance.now() - t);
  }

  const nodeMs = Math.round(median(nodeTimes) * 10) / 10;
  if (!fs.existsSync(CHROMIUM)) {
    return { chromiumMs: null, chromiumRuns: [], note: `${CHROMIUM} is missing: only the Node figure was measured`, nodeMs, students, rows };
  }
  const bundle = await build({
    stdin: {
      contents: `import { classCoverage, computeSchoolCoverage, periodOf } from './src/shared/coverage/indicators';
        globalThis.coverageBench = (json) => {
          const data = JSON.parse(json);
          const full = { ...data, school: { ...data.school, unitsAbove: () => data.school.above } };
          const t = performance.now();
          const period = periodOf(full.year);
          computeSchoolCoverage(full, period);
          classCoverage(full, period);
          return performance.now() - t;
        };`,
      resolveDir: process.cwd(),
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    write: false,
    platform: 'browser',
    target: 'es2022',
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
    const json = JSON.stringify(input);
    const times: number[] = [];
    for (let i = 0; i <= runs; i++) {
      // Parsing stands in for reading the rows back from IndexedDB and is not timed; the computation is.
      const ms = await page.evaluate((j) => (globalThis as unknown as { coverageBench(j: string): number }).coverageBench(j), json);
      if (i > 0) times.push(Math.round(ms * 10) / 10);
    }
    return { chromiumMs: median(times), chromiumRuns: times, nodeMs, students, rows };
  } finally {
    await browser.close();
  }
}
