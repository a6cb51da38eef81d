import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import {
  apiSignIn,
  chipPendingCount,
  DEMO_TEACHER,
  deviceOutbox,
  expectedMarks,
  expectMarksOnServer,
  expectRowsShow,
  launchTabletProfile,
  markOnSheet,
  openSheetFromList,
  pullScope,
  rosterRows,
  signIn,
  upcomingSessionsOf,
  waitForServiceWorkerControl,
  waitForSync,
} from './helpers';

/**
 * The offline-first promise end to end in Chromium: a teacher who opened the app once online takes attendance with
 * no network, reloads, closes the browser, and everything reaches the server when the network comes back.
 */
test.describe('attendance offline', () => {
  // One flow on one server: the phone layout is covered by the other suites; the device behaviour is the same.
  test.skip(({ isMobile }) => isMobile, 'the offline flow runs once, on the tablet');

  test('marks made offline survive reloads and a browser restart, then reach the server once each', async ({
    page,
    context,
    baseURL,
  }, testInfo) => {
    test.setTimeout(180_000);
    const server = baseURL!;
    const api = await apiSignIn(server, DEMO_TEACHER);
    const schoolId = api.user.grants.find((g) => g.role === 'teacher')!.unitId;
    const before = await pullScope(server, api.token);
    const target = upcomingSessionsOf(before, schoolId)[0];
    expect(target, 'the demo school has an upcoming session').toBeDefined();
    const session = target!;
    const onServerBefore = [...before.attendance.values()].filter((a) => a.sessionId === session.id);
    expect(onServerBefore, 'nobody is marked for the session yet').toEqual([]);

    // Online once: sign in, let the service worker take over and the first pull finish.
    await page.goto('/dang-nhap');
    const { user } = await signIn(page, DEMO_TEACHER);
    const greeting = page.getByRole('heading', { level: 1, name: `Xin chào, ${user.displayName}` });
    await expect(greeting).toBeVisible();
    await waitForServiceWorkerControl(page);
    await waitForSync(page, user.id);

    // No network from here: the app starts from the precache and the data from IndexedDB.
    await context.setOffline(true);
    const reload = await page.reload();
    expect(reload?.fromServiceWorker(), 'the page came from the service worker').toBe(true);
    await expect(greeting).toBeVisible();
    await expect(page.getByTestId('sync-status')).toContainText('Ngoại tuyến');

    await openSheetFromList(page, session.id);
    await expect(page.getByRole('heading', { level: 1, name: session.title })).toBeVisible();
    const marked = await markOnSheet(page, {
      taps: [0, 1, 1],
      markAllFirstGroup: true,
      late: { row: 2, note: 'Xe buýt đến muộn' },
    });
    const outbox = await deviceOutbox(page);
    expect(outbox.filter((e) => e.state === 'pending')).toHaveLength(marked.mutations);
    await expect.poll(() => chipPendingCount(page)).toBe(marked.mutations);
    await expect(page.getByTestId('sync-status')).toContainText(`${marked.mutations} chờ đồng bộ`);
    await page.screenshot({ path: testInfo.outputPath('offline-marks.png') });

    // A reload offline loses nothing: the marks and the outbox were committed together.
    const offlineReload = await page.reload();
    expect(offlineReload?.fromServiceWorker()).toBe(true);
    await expect(rosterRows(page).first()).toBeVisible();
    await expectRowsShow(page, marked.rows, true);
    await expect.poll(() => chipPendingCount(page)).toBe(marked.mutations);
    expect(await deviceOutbox(page)).toEqual(outbox);
    // This context stays offline until the fixture closes it: its marks die with it, as incognito data does, and
    // must not reach the server behind the on-disk profile's back.

    // The same on an on-disk profile, across closing the browser.
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'truongan-e2e-profile-'));
    try {
      let tablet = await launchTabletProfile(profile, server);
      await tablet.page.goto('/dang-nhap');
      await signIn(tablet.page, DEMO_TEACHER);
      await waitForServiceWorkerControl(tablet.page);
      await waitForSync(tablet.page, user.id);
      await tablet.context.setOffline(true);
      await openSheetFromList(tablet.page, session.id);
      const diskMarks = await markOnSheet(tablet.page, {
        taps: [0, 1, 1],
        markAllFirstGroup: true,
        late: { row: 2, note: 'Xe buýt đến muộn' },
      });
      await expect.poll(() => chipPendingCount(tablet.page)).toBe(diskMarks.mutations);
      const diskOutbox = await deviceOutbox(tablet.page);
      await tablet.context.close();

      tablet = await launchTabletProfile(profile, server);
      // Offline before the first request: the browser starts the app from its disk alone.
      await tablet.context.setOffline(true);
      await tablet.page.goto(`/buoi/${session.id}/diem-danh`);
      await expect(tablet.page.getByRole('heading', { level: 1, name: session.title })).toBeVisible();
      await expect(tablet.page.getByTestId('sync-status')).toContainText('Ngoại tuyến');
      await expectRowsShow(tablet.page, diskMarks.rows, true);
      await expect.poll(() => chipPendingCount(tablet.page)).toBe(diskMarks.mutations);
      expect(await deviceOutbox(tablet.page)).toEqual(diskOutbox);

      // The network returns: the engine pushes on the `online` event, the rows turn synced, the outbox empties.
      const online = Date.now();
      await tablet.context.setOffline(false);
      await expect(tablet.page.getByTestId('sync-status')).not.toContainText('chờ đồng bộ', { timeout: 30_000 });
      await expect(tablet.page.locator('[data-testid="roster-row"][data-pending="true"]')).toHaveCount(0);
      await expectRowsShow(tablet.page, diskMarks.rows, false);
      expect(await deviceOutbox(tablet.page)).toEqual([]);
      testInfo.annotations.push({ type: 'synced after', description: `${Date.now() - online} ms` });

      const expected = expectedMarks(diskOutbox);
      for (const mark of expected.values()) expect(mark.userId).toBe(user.id);
      for (const [personId, mark] of diskMarks.rows) {
        expect(expected.get(`${session.id}:${personId}`)).toEqual({ ...mark, userId: user.id });
      }
      await expectMarksOnServer(server, api.token, expected);
      const after = await pullScope(server, api.token);
      const ofSession = [...after.attendance.values()].filter((a) => a.sessionId === session.id);
      expect(ofSession, 'nothing but the device marks for the session').toHaveLength(expected.size);
      await tablet.context.close();
    } finally {
      fs.rmSync(profile, { recursive: true, force: true });
    }
  });
});
