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

/** A server with one 2,000-student school (about 40,000 rows) and a way to open fresh on-disk browser profiles. */
export async function openBrowserBench(port: number): Promise<BrowserBench> {
  await buildIfStale(() => undefined);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'truongan-bench-browser-'));
  const db = openDatabase({ dataDir });
  await migrateToLatest(db);
  const school = await createSyntheticSchool(db.kysely);
  await db.close();
  const server = new ServerProcess({ port, dataDir, logLevel: 'warn' });
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
