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
   * The figure of the issue: GET /api/coverage for the Sở (all indicators, all schools) as the running server answers
   * it, the roll-up current: the median of `runs` calls of a server whose background refresh has gone through the
   * city (the first of them on a new app, its memory empty, reading the stored counts).
   */
  median: number;
  /**
   * What the running server spends in the background, right after the city was generated, to count every school
   * for the year and each term and store the counts (`CoverageService.refresh`, run by `keepCoverageCurrent`).
   */
  rollupBuildMs: number;
  /** The first call of a new app over the stored roll-up (nothing in memory). */
  firstCallMs: number;
  /** The call after 10 % of the schools each got one new attendance mark, before any refresh: those are recounted. */
  afterChangesMs: number;
  /** A new app after a further change in those schools: stored counts for the rest, the changed ones recounted. */
  afterRestartMs: number;
  /**
   * With no roll-up at all (the stored counts deleted, a new app): every school counted in SQL on the request. What a
   * dashboard costs when it is asked before the background refresh has ever finished.
   */
  withoutRollupMs: number;
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
      // The server's background refresh over a city nothing was ever counted for.
      const t1 = performance.now();
      await app.ctx.coverage.refresh(await app.ctx.orgTree.get(), new Date());
      const rollupBuildMs = Math.round(performance.now() - t1);
      await app.close();
      closed = true;

      /** A new app over the same database (a restart, or another instance): nothing in memory. */
      const withApp = async <T>(work: (a: typeof app) => Promise<T>): Promise<T> => {
        const fresh = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent' }), db, logger: false });
        try {
          return await work(fresh);
        } finally {
          await fresh.close();
        }
      };
      const timed = async (a: typeof app): Promise<number> => {
        const t = performance.now();
        const res = await a.inject({ method: 'GET', url, headers });
        const ms = performance.now() - t;
        if (res.statusCode !== 200) throw new Error(`dashboard answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
        schools = (res.json() as { schools: unknown[] }).schools.length;
        return Math.round(ms);
      };
      // A morning's sync: one school in ten pushes a mark (a new version in its stream, as the sync path takes).
      const changed = city.schoolIds.filter((_, i) => i % 10 === 0);
      const changeSome = () =>
        db.kysely.transaction().execute(async (trx) => {
          for (const schoolId of changed) {
            const mark = await trx.selectFrom('attendance').select(['id']).where('school_id', '=', schoolId).limit(1).executeTakeFirst();
            if (!mark) continue;
            await trx.updateTable('attendance').set({ status: 'present', version: await reserveVersions(trx, schoolId) }).where('id', '=', mark.id).execute();
          }
        });

      const { firstCallMs, afterChangesMs } = await withApp(async (a) => {
        const firstCallMs = await timed(a);
        for (let i = 0; i < runs; i++) times.push(await timed(a));
        await changeSome();
        return { firstCallMs, afterChangesMs: await timed(a) };
      });
      await changeSome();
      const afterRestartMs = await withApp(timed);
      await db.kysely.deleteFrom('coverage_counts').execute();
      const withoutRollupMs = await withApp(timed);
      return {
        median: median([firstCallMs, ...times]),
        rollupBuildMs,
        firstCallMs,
        afterChangesMs,
        afterRestartMs,
        withoutRollupMs,
        runs: [firstCallMs, ...times],
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
