import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { migrateToLatest, openDatabase } from '../../src/server/db';
import { buildIfStale } from '../../src/server/cli/build-if-stale';
import { DB_NAME } from '../../src/client/db/schema';
import { ServerProcess } from '../helpers/server-process';
import { createSyntheticSchool, type SyntheticSchool } from './synthetic-school';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/** The entity stores of the device database: what a full pull fills. */
const ENTITY_STORES = ['unit', 'schoolYear', 'class', 'person', 'activityType', 'requirement', 'session', 'attendance', 'drillRecord', 'commitment', 'material'];

export interface BrowserBench {
  server: ServerProcess;
  school: SyntheticSchool;
  /** Rows in the bench user's scope, as the server counts them. */
  scopeRows: number;
  newProfile(): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

/**
 * A server with one 2,000-student school (about 40,000 rows) and a way to open fresh on-disk browser profiles.
 * `emptySessions`: planned sessions with nobody marked yet, for the benchmarks that take attendance.
 */
export async function openBrowserBench(
  port: number,
  { emptySessions = 0, clientDir }: { emptySessions?: number; clientDir?: string } = {},
): Promise<BrowserBench> {
  // A client built elsewhere (`vite build --outDir …`, as the roster bench takes it); dist/client otherwise.
  if (!clientDir) await buildIfStale(() => undefined);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'truongan-bench-browser-'));
  const db = openDatabase({ dataDir });
  await migrateToLatest(db);
  const school = await createSyntheticSchool(db.kysely, { emptySessions });
  await db.close();
  const server = new ServerProcess({ port, dataDir, logLevel: 'warn', ...(clientDir ? { clientDir } : {}) });
  await server.start();

  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: school.teacherUsername, password: school.password }),
  });
  const { token } = (await login.json()) as { token: string };
  const first = await fetch(`${server.url}/api/sync/pull?limit=1&schemaVersion=1`, { headers: { authorization: `Bearer ${token}` } });
  const page1 = (await first.json()) as { changes: unknown[]; remaining?: number };
  const scopeRows = page1.changes.length + (page1.remaining ?? 0);

  const profiles: string[] = [];
  const contexts: BrowserContext[] = [];
  return {
    server,
    school,
    scopeRows,
    async newProfile() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'truongan-bench-profile-'));
      profiles.push(dir);
      const context = await chromium.launchPersistentContext(dir, {
        executablePath: '/usr/bin/chromium',
        args: CHROMIUM_ARGS,
        baseURL: server.url,
        viewport: { width: 1280, height: 800 },
        locale: 'vi-VN',
        timezoneId: 'Asia/Ho_Chi_Minh',
      });
      contexts.push(context);
      const page = context.pages()[0] ?? (await context.newPage());
      return { context, page };
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await server.stop('SIGTERM');
      for (const d of [...profiles, dataDir]) fs.rmSync(d, { recursive: true, force: true });
    },
  };
}

/** Signs in through the form (the bench user) and returns the moment the button was pressed. */
export async function signInThroughForm(page: Page, username: string, password: string): Promise<number> {
  await page.goto('/dang-nhap');
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu', { exact: true }).fill(password);
  const pressed = Date.now();
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  return pressed;
}

/** Rows stored in the device database's entity stores, read with plain IndexedDB so the count is the browser's own. */
export function countDeviceRows(page: Page): Promise<number> {
  return page.evaluate(
    ({ name, stores }) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const present = stores.filter((s) => db.objectStoreNames.contains(s));
          if (present.length === 0) {
            db.close();
            resolve(0);
            return;
          }
          const tx = db.transaction(present, 'readonly');
          let total = 0;
          for (const s of present) {
            const req = tx.objectStore(s).count();
            req.onsuccess = () => (total += req.result);
          }
          tx.oncomplete = () => {
            db.close();
            resolve(total);
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    { name: DB_NAME, stores: ENTITY_STORES },
  );
}

/** Counts the device's outbox (changes not yet acknowledged by the server). */
export function countOutbox(page: Page): Promise<number> {
  return page.evaluate(
    (name) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('outbox')) {
            db.close();
            resolve(0);
            return;
          }
          const req = db.transaction('outbox', 'readonly').objectStore('outbox').count();
          req.onsuccess = () => {
            db.close();
            resolve(req.result);
          };
          req.onerror = () => reject(req.error);
        };
      }),
    DB_NAME,
  );
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`condition not met in ${timeoutMs} ms`);
}

/**
 * `fullPullSeconds`: a fresh browser profile signs in as a teacher of a 2,000-student school and pulls it whole
 * (about 40,000 rows): from pressing "Đăng nhập" until every row of the scope is in IndexedDB.
 */
export async function benchFullPull(bench: BrowserBench): Promise<{ seconds: number; rows: number }> {
  const { page } = await bench.newProfile();
  const pressed = await signInThroughForm(page, bench.school.teacherUsername, bench.school.password);
  let rows = 0;
  await waitFor(async () => {
    rows = await countDeviceRows(page);
    return rows >= bench.scopeRows;
  }, 120_000, 100);
  return { seconds: Number(((Date.now() - pressed) / 1000).toFixed(2)), rows };
}

/** A fresh profile signed in as the bench user, with the whole school pulled and the app cached for offline use. */
async function signedInProfile(bench: BrowserBench): Promise<{ context: BrowserContext; page: Page }> {
  const profile = await bench.newProfile();
  await signInThroughForm(profile.page, bench.school.teacherUsername, bench.school.password);
  await waitFor(async () => (await countDeviceRows(profile.page)) >= bench.scopeRows, 120_000, 100);
  await profile.page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await profile.page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  return profile;
}

/** Opens a session's attendance sheet and waits for its roster to be drawn. */
async function openSheet(page: Page, sessionId: string): Promise<void> {
  await page.goto(`/buoi/${sessionId}/diem-danh`);
  await page.getByTestId('roster-row').first().waitFor({ timeout: 60_000 });
}

export interface Percentiles {
  p50: number;
  p95: number;
  taps: number;
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/**
 * `markLatencyMs`: tap-to-saved of one attendance.mark on the sheet of a 2,000-student session, `rounds` rounds of
 * `taps` taps, online (the engine pushes in the background, as on a connected tablet). The page measures each tap
 * itself (performance.measure('attendance.mark') from the click to the committed transaction); taps are real
 * clicks on the rows' buttons, one after the other's save, cycling over the rows on screen.
 */
export async function benchMarkLatency(bench: BrowserBench, { taps = 1000, rounds = 3 } = {}): Promise<Percentiles[]> {
  const { page } = await signedInProfile(bench);
  await openSheet(page, bench.school.sessionIds[0]!);
  const results: Percentiles[] = [];
  for (let round = 0; round < rounds; round++) {
    // No named function inside: tsx would wrap it in a helper (__name) that does not exist in the page.
    const durations = await page.evaluate(async (count) => {
      performance.clearMeasures('attendance.mark');
      const buttons = [...document.querySelectorAll<HTMLButtonElement>('[data-testid="roster-row"] .roster-row__toggle')];
      if (buttons.length === 0) throw new Error('no rows on the sheet');
      for (let i = 0; i < count; i++) {
        const before = performance.getEntriesByName('attendance.mark').length;
        buttons[i % buttons.length]!.click();
        const deadline = performance.now() + 5000;
        while (performance.getEntriesByName('attendance.mark').length === before) {
          if (performance.now() > deadline) throw new Error(`tap ${i} was not saved within 5 s`);
          await new Promise((resolve) => setTimeout(resolve, 0));
        }
      }
      return performance.getEntriesByName('attendance.mark').map((e) => e.duration);
    }, taps);
    const sorted = [...durations].sort((a, b) => a - b);
    results.push({ p50: Number(percentile(sorted, 50).toFixed(2)), p95: Number(percentile(sorted, 95).toFixed(2)), taps: sorted.length });
  }
  return results;
}

/**
 * Presses "Tất cả có mặt" on every class of the open sheet, scrolling the windowed list down to each group header,
 * and waits for each press to be saved. Returns how many presses there were.
 */
function markWholeSheet(page: Page): Promise<number> {
  // No named function inside: tsx would wrap it in a helper (__name) that does not exist in the page.
  return page.evaluate(async () => {
    const list = document.querySelector<HTMLElement>('.roster-window');
    if (!list) throw new Error('no roster on the sheet');
    const end = list.getBoundingClientRect().top + window.scrollY + list.offsetHeight;
    let presses = 0;
    for (let y = 0; y < end; y += Math.max(200, window.innerHeight)) {
      window.scrollTo(0, y);
      await new Promise((resolve) => requestAnimationFrame(resolve));
      await new Promise((resolve) => requestAnimationFrame(resolve));
      for (const button of document.querySelectorAll<HTMLButtonElement>('[data-testid="mark-all-present"]')) {
        if (button.disabled) continue;
        button.click();
        presses++;
        const deadline = performance.now() + 10_000;
        while (button.isConnected && !button.disabled) {
          if (performance.now() > deadline) throw new Error('"Tất cả có mặt" was not saved within 10 s');
          await new Promise((resolve) => requestAnimationFrame(resolve));
        }
      }
    }
    window.scrollTo(0, 0);
    return presses;
  });
}

export interface PushFigures {
  marksPerSec: number;
  marks: number;
  seconds: number;
}

/**
 * `pushMarksPerSec`: whole-school sessions marked offline with "Tất cả có mặt" on every class (5 × 2,000 = 10,000
 * marks in the outbox), then the network comes back: from going online until the outbox is empty and the sheet shows
 * no mark waiting to be synced. One profile, one run per entry of `runs` (each its own empty sessions).
 */
export async function benchPushMarks(bench: BrowserBench, runs: string[][]): Promise<PushFigures[]> {
  const { context, page } = await signedInProfile(bench);
  const figures: PushFigures[] = [];
  try {
    for (const sessionIds of runs) {
      await context.setOffline(true);
      const perSession = bench.school.studentIds.length;
      for (const [i, id] of sessionIds.entries()) {
        await openSheet(page, id);
        await markWholeSheet(page);
        // The presses return as soon as the screen shows them and the writes behind them finish in order; a full
        // page load (the next goto) would cut that queue short, so each sheet's marks are committed first.
        await waitFor(async () => (await countOutbox(page)) === (i + 1) * perSession, 300_000, 100);
      }
      const expected = sessionIds.length * perSession;
      const started = Date.now();
      await context.setOffline(false);
      await waitFor(async () => (await countOutbox(page)) === 0, 300_000, 25);
      await waitFor(async () => (await page.locator('[data-testid="roster-row"][data-pending="true"]').count()) === 0, 60_000, 25);
      const seconds = (Date.now() - started) / 1000;
      figures.push({ marksPerSec: Math.round(expected / seconds), marks: expected, seconds: Number(seconds.toFixed(2)) });
    }
  } finally {
    await context.close();
  }
  return figures;
}
