import { expect, test, type Page } from '@playwright/test';
import {
  apiSignIn,
  chipPendingCount,
  DEMO_PRINCIPAL,
  DEMO_TEACHER,
  deviceOutbox,
  expectedMarks,
  expectMarksOnServer,
  expectRowsShow,
  markOnSheet,
  openSheetFromList,
  pullScope,
  signIn,
  signInOffline,
  upcomingSessionsOf,
  waitForServiceWorkerControl,
  waitForSync,
} from './helpers';

/** "Đổi người dùng" from the user menu: the current user stays signed in on the device, the sign-in form opens. */
async function switchUser(page: Page, displayName: string): Promise<void> {
  await page.getByRole('button', { name: `Tài khoản ${displayName}` }).click();
  await page.getByRole('menuitem', { name: 'Đổi người dùng' }).click();
  await expect(page).toHaveURL(/\/dang-nhap$/);
  await expect(page.getByTestId('device-accounts')).toBeVisible();
}

/**
 * Two users take turns on one school tablet with no network. Each one's marks are pushed with that user's own
 * authority when the network returns, and handing the tablet over never deletes anyone's unsynced work.
 */
test.describe('shared tablet', () => {
  test.skip(({ isMobile }) => isMobile, 'the shared-tablet flow runs once, on the tablet');

  test('a teacher and the principal mark offline in turn; every mark reaches the server as its author', async ({
    page,
    context,
    baseURL,
  }) => {
    test.setTimeout(120_000);
    const server = baseURL!;
    const principalApi = await apiSignIn(server, DEMO_PRINCIPAL);
    const schoolId = principalApi.user.grants.find((g) => g.role === 'principal')!.unitId;
    const before = await pullScope(server, principalApi.token);
    // The second upcoming session of the school: the offline suite takes the first.
    const session = upcomingSessionsOf(before, schoolId)[1];
    expect(session, 'the demo school has a second upcoming session').toBeDefined();
    expect([...before.attendance.values()].filter((a) => a.sessionId === session!.id)).toEqual([]);

    // Each user's first sign-in on the device is online: it leaves the verifier for signing in offline later.
    await page.goto('/dang-nhap');
    const { user: teacher } = await signIn(page, DEMO_TEACHER);
    await waitForServiceWorkerControl(page);
    await waitForSync(page, teacher.id);
    await switchUser(page, teacher.displayName);
    const { user: principal } = await signIn(page, DEMO_PRINCIPAL);
    await expect(page.getByRole('heading', { level: 1, name: `Xin chào, ${principal.displayName}` })).toBeVisible();
    await waitForSync(page, principal.id);

    await context.setOffline(true);
    await switchUser(page, principal.displayName);
    await signInOffline(page, DEMO_TEACHER);
    await expect(page.getByRole('heading', { level: 1, name: `Xin chào, ${teacher.displayName}` })).toBeVisible();
    await openSheetFromList(page, session!.id);
    const teacherMarks = await markOnSheet(page, { taps: [0, 1], late: { row: 2, note: 'Đưa em đi khám răng' } });
    const teacherOutbox = await deviceOutbox(page);
    expect(teacherOutbox.every((e) => e.userId === teacher.id && e.state === 'pending')).toBe(true);
    expect(teacherOutbox).toHaveLength(teacherMarks.mutations);

    // Handing over the tablet keeps the teacher's queue: the principal sees those marks, still waiting.
    await switchUser(page, teacher.displayName);
    expect(await deviceOutbox(page)).toEqual(teacherOutbox);
    await signInOffline(page, DEMO_PRINCIPAL);
    await expect(page.getByRole('heading', { level: 1, name: `Xin chào, ${principal.displayName}` })).toBeVisible();
    await openSheetFromList(page, session!.id);
    await expectRowsShow(page, teacherMarks.rows, true);
    const principalMarks = await markOnSheet(page, {
      taps: [3, 4, 4],
      markAllFirstGroup: true,
      markedBefore: teacherMarks.rows.size,
    });
    for (const personId of principalMarks.rows.keys()) expect(teacherMarks.rows.has(personId)).toBe(false);
    // "Tất cả có mặt" leaves the teacher's marks as they were.
    await expectRowsShow(page, teacherMarks.rows, true);

    const outbox = await deviceOutbox(page);
    expect(outbox.slice(0, teacherOutbox.length)).toEqual(teacherOutbox);
    const ofPrincipal = outbox.slice(teacherOutbox.length);
    expect(ofPrincipal.every((e) => e.userId === principal.id)).toBe(true);
    expect(ofPrincipal).toHaveLength(principalMarks.mutations);
    await expect.poll(() => chipPendingCount(page)).toBe(outbox.length);

    // The teacher's turn again, still offline: nothing of either user went missing.
    await switchUser(page, principal.displayName);
    await signInOffline(page, DEMO_TEACHER);
    expect(await deviceOutbox(page)).toEqual(outbox);

    // Online: each user's changes go with that user's token, so the server records who marked what.
    await context.setOffline(false);
    await expect(page.getByTestId('sync-status')).not.toContainText('chờ đồng bộ', { timeout: 30_000 });
    await expect.poll(async () => (await deviceOutbox(page)).length, { timeout: 30_000 }).toBe(0);
    await openSheetFromList(page, session!.id);
    await expect(page.locator('[data-testid="roster-row"][data-pending="true"]')).toHaveCount(0);
    await expectRowsShow(page, teacherMarks.rows, false);
    await expectRowsShow(page, principalMarks.rows, false);

    const expected = expectedMarks(outbox);
    const authors = new Set([...expected.values()].map((m) => m.userId));
    expect(authors).toEqual(new Set([teacher.id, principal.id]));
    await expectMarksOnServer(server, principalApi.token, expected);
    const after = await pullScope(server, principalApi.token);
    expect([...after.attendance.values()].filter((a) => a.sessionId === session!.id)).toHaveLength(expected.size);
  });
});
