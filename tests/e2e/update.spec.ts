import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { ServerProcess } from '../helpers/server-process';
import {
  apiSignIn,
  chipPendingCount,
  DEMO_TEACHER,
  deviceOutbox,
  expectedMarks,
  expectMarksOnServer,
  expectRowsShow,
  markOnSheet,
  openSheetFromList,
  pullScope,
  rosterRows,
  signIn,
  upcomingSessionsOf,
  waitForServiceWorkerControl,
  waitForSync,
} from './helpers';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** This suite's own server (ports 18360–18379 are this suite's), serving whichever build `live` points at. */
const PORT = 18361;
const VERSION_A = '0.1.0-e2e.a';
const VERSION_B = '0.1.0-e2e.b';

/**
 * Builds the client as it ships, into `outDir`, with its own version string: the bundles' hashes and so the
 * service worker's precache manifest differ from one version to the other, as with a real release.
 */
async function buildClient(outDir: string, version: string): Promise<void> {
  const { build } = await import('vite');
  await build({
    root: ROOT,
    configFile: path.join(ROOT, 'vite.config.ts'),
    logLevel: 'error',
    build: { outDir, emptyOutDir: true },
    define: { __APP_VERSION__: JSON.stringify(version) },
  });
}

/** Points `link` at `target` in one rename, so that the server never sees a half-switched build. */
function pointAt(link: string, target: string): void {
  const next = `${link}.next`;
  fs.rmSync(next, { force: true });
  fs.symlinkSync(target, next);
  fs.renameSync(next, link);
}

test.describe('updating the app', () => {
  test.skip(({ isMobile }) => isMobile, 'the update flow runs once, on the tablet');

  let work = '';
  let live = '';
  let server: ServerProcess | null = null;

  test.beforeAll(async ({ isMobile }) => {
    if (isMobile) return;
    test.setTimeout(180_000);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'truongan-e2e-update-'));
    await buildClient(path.join(work, 'a'), VERSION_A);
    await buildClient(path.join(work, 'b'), VERSION_B);
    const swA = fs.readFileSync(path.join(work, 'a', 'sw.js'), 'utf8');
    const swB = fs.readFileSync(path.join(work, 'b', 'sw.js'), 'utf8');
    expect(swA, 'the two versions have different service workers').not.toBe(swB);
    live = path.join(work, 'live');
    pointAt(live, path.join(work, 'a'));
    const dataDir = path.join(work, 'data');
    fs.mkdirSync(dataDir);
    server = new ServerProcess({ port: PORT, dataDir, clientDir: live, logLevel: 'warn' });
    await server.start();
  });

  test.afterAll(async () => {
    await server?.stop('SIGTERM');
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('a new version installed while changes wait to be synced loses none of them', async ({ browser }, testInfo) => {
    test.setTimeout(120_000);
    const base = server!.url;
    const api = await apiSignIn(base, DEMO_TEACHER);
    const schoolId = api.user.grants.find((g) => g.role === 'teacher')!.unitId;
    const session = upcomingSessionsOf(await pullScope(base, api.token), schoolId)[0]!;
    expect(session).toBeDefined();

    const context = await browser.newContext({
      baseURL: base,
      viewport: { width: 1280, height: 800 },
      hasTouch: true,
      locale: 'vi-VN',
      timezoneId: 'Asia/Ho_Chi_Minh',
    });
    try {
      const page = await context.newPage();
      await page.goto('/dang-nhap');
      const { user } = await signIn(page, DEMO_TEACHER);
      await waitForServiceWorkerControl(page);
      await waitForSync(page, user.id);
      await page.goto('/cai-dat');
      await expect(page.getByTestId('settings-version')).toHaveText(VERSION_A);

      // The API stays unreachable until the end, even once the network is back: only the app's files get through.
      let apiBlocked = true;
      await context.route('**/api/**', (route) => (apiBlocked ? route.abort('internetdisconnected') : route.fallback()));

      await context.setOffline(true);
      await openSheetFromList(page, session.id);
      const marked = await markOnSheet(page, { taps: [0, 1, 1], markAllFirstGroup: true, late: { row: 2, note: 'Ốm' } });
      const outbox = await deviceOutbox(page);
      expect(outbox).toHaveLength(marked.mutations);

      // Version B is released; the tablet is back on the network and looks for a new version (the hourly check).
      pointAt(live, path.join(work, 'b'));
      await context.setOffline(false);
      await page.evaluate(async () => {
        const registration = await navigator.serviceWorker.getRegistration();
        await registration?.update();
      });
      const prompt = page.getByTestId('update-prompt');
      await expect(prompt).toContainText('Có phiên bản mới — cập nhật', { timeout: 30_000 });
      await expect(prompt.getByTestId('update-kept')).toContainText(
        `${marked.mutations} thay đổi chờ đồng bộ vẫn được giữ lại khi cập nhật.`,
      );
      await page.screenshot({ path: testInfo.outputPath('update-prompt.png') });
      // Nothing was sent meanwhile: the pushes on the way back online failed against the blocked API.
      expect(await deviceOutbox(page)).toEqual(outbox);

      // "Cập nhật": the waiting worker takes over and the page reloads into version B.
      await Promise.all([
        page.waitForEvent('framenavigated', { timeout: 30_000 }),
        prompt.getByRole('button', { name: 'Cập nhật', exact: true }).click(),
      ]);
      await expect(rosterRows(page).first()).toBeVisible();
      await expect(page.getByTestId('update-prompt')).toHaveCount(0);
      await expectRowsShow(page, marked.rows, true);
      expect(await deviceOutbox(page)).toEqual(outbox);
      await expect.poll(() => chipPendingCount(page)).toBe(marked.mutations);
      const scriptUrl = await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null);
      expect(scriptUrl).toBe(`${base}/sw.js`);
      await page.goto('/cai-dat');
      await expect(page.getByTestId('settings-version')).toHaveText(VERSION_B);

      // The API is reachable again: "sync now" on the chip sends everything, as the user who made it.
      apiBlocked = false;
      await openSheetFromList(page, session.id);
      await page.getByTestId('sync-status').click();
      await expect(page.getByTestId('sync-status')).not.toContainText('chờ đồng bộ', { timeout: 30_000 });
      await expect(page.locator('[data-testid="roster-row"][data-pending="true"]')).toHaveCount(0);
      expect(await deviceOutbox(page)).toEqual([]);
      await expectMarksOnServer(base, api.token, expectedMarks(outbox));
    } finally {
      await context.close();
    }
  });
});
