import { randomUUID } from 'node:crypto';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { PullResponseSchema } from '../../src/shared/sync/wire';
import {
  apiSignIn,
  chipPendingCount,
  DEMO_PRINCIPAL,
  DEMO_TEACHER,
  deviceOutbox,
  expectNoSeriousA11yViolations,
  pullScope,
  signIn,
  waitForServiceWorkerControl,
  waitForSync,
} from './helpers';

/**
 * Planning offline-first in Chromium: a principal plans a session with no network, it survives a reload and reaches
 * the server, a teacher of the school sees it; two planners editing one session offline are not merged silently.
 */
test.describe('planning', () => {
  test.skip(({ isMobile }) => isMobile, 'the offline planning flows run once, on the tablet');
  test.describe.configure({ mode: 'serial' });

  /** A day of the school year on the server (the one under way, else the latest), at 07:30 Hà Nội time. */
  async function planningContext(baseURL: string, token: string) {
    const rows: { entity: string; row: Record<string, unknown> }[] = [];
    let cursor: string | undefined;
    for (;;) {
      const url = new URL('/api/sync/pull', baseURL);
      url.searchParams.set('limit', '5000');
      if (cursor) url.searchParams.set('cursor', cursor);
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      const page = PullResponseSchema.parse(await response.json());
      rows.push(...page.changes.filter((c) => c.op === 'put'));
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    const years = rows.filter((r) => r.entity === 'schoolYear').map((r) => r.row as { id: string; startDate: string; endDate: string });
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const sorted = years.sort((a, b) => a.startDate.localeCompare(b.startDate));
    const year = sorted.find((y) => y.startDate <= today && today <= y.endDate) ?? sorted.find((y) => y.startDate > today) ?? sorted.at(-1)!;
    // A weekday inside the year: a week from today if the year is under way, else ten days before it ends.
    let day = year.startDate <= today && today <= year.endDate ? addDays(today, 7) : addDays(year.endDate, -10);
    if (day > year.endDate) day = addDays(year.endDate, -3);
    while ([0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay())) day = addDays(day, -1);
    const drill = rows.find((r) => r.entity === 'activityType' && r.row.code === 'drill')!.row as { id: string; name: string };
    return { year, day, drill };
  }

  /** The sessions tab a day's session is listed under. */
  function tabOf(day: string): 'past' | 'upcoming' {
    return day < new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10) ? 'past' : 'upcoming';
  }

  function addDays(date: string, days: number): string {
    return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  }

  async function signedInTablet(browser: Browser, baseURL: string, who: { username: string; password: string }) {
    const context = await browser.newContext({
      baseURL,
      viewport: { width: 1280, height: 800 },
      hasTouch: true,
      locale: 'vi-VN',
      timezoneId: 'Asia/Ho_Chi_Minh',
    });
    const page = await context.newPage();
    await page.goto('/dang-nhap');
    const { user } = await signIn(page, who);
    await waitForServiceWorkerControl(page);
    await waitForSync(page, user.id);
    return { context, page, user };
  }

  async function chooseOption(page: Page, label: string, option: string): Promise<void> {
    await page.getByRole('combobox', { name: label }).click();
    await page.getByRole('option', { name: option, exact: true }).click();
  }

  test('a session planned offline survives a reload, syncs, and a teacher of the school sees it', async ({ browser, baseURL }, testInfo) => {
    test.setTimeout(240_000);
    const server = baseURL!;
    const api = await apiSignIn(server, DEMO_PRINCIPAL);
    const { day, drill } = await planningContext(server, api.token);
    const title = `Diễn tập thoát nạn ${randomUUID().slice(0, 8)}`;

    const principal = await signedInTablet(browser, server, DEMO_PRINCIPAL);
    const { page, context } = principal;
    await context.setOffline(true);
    await page.goto(`/ke-hoach/buoi-moi?ngay=${day}`);
    await expect(page.getByRole('heading', { level: 1, name: 'Thêm buổi hoạt động' })).toBeVisible();
    await expect(page.getByTestId('session-form')).toBeVisible();
    await expectNoSeriousA11yViolations(page);

    // Submitting empty shows the server's messages next to the fields.
    await page.getByRole('button', { name: 'Lưu buổi' }).click();
    await expect(page.getByTestId('error-title')).toHaveText('hãy nhập tên buổi');
    await expect(page.getByTestId('error-audience')).toHaveText(
      'hãy chọn ít nhất một đối tượng tham dự (lớp, khối, cán bộ hoặc phụ huynh)',
    );

    await page.getByLabel('Tên buổi').fill(title);
    await chooseOption(page, 'Loại hoạt động', drill.name);
    await page.getByLabel('Cán bộ, giáo viên, nhân viên', { exact: true }).check();
    await page.getByLabel('Địa điểm').fill('Sân trường');
    await page.getByRole('button', { name: 'Lưu buổi' }).click();
    await expect(page.getByTestId('plan-saved')).toContainText('Đã lưu 1 buổi trên máy — chờ đồng bộ.');
    const [entry] = (await deviceOutbox(page)).filter((e) => e.name === 'session.create');
    expect(entry?.state).toBe('pending');
    const sessionId = (entry!.args as unknown as { id: string }).id;
    await page.screenshot({ path: testInfo.outputPath('planned-offline.png') });

    // Offline reload: the session and its "chờ đồng bộ" marker are still there.
    await page.reload();
    await page.goto(`/buoi?xem=${tabOf(day)}`);
    const card = page.locator(`[data-testid="session-card"][data-session-id="${sessionId}"]`);
    await expect(card).toContainText(title);
    await expect(card.getByTestId('session-pending')).toHaveText(/Chờ đồng bộ/);
    expect(await chipPendingCount(page)).toBe(1);

    // Online again: the change goes out by itself.
    await context.setOffline(false);
    await expect.poll(async () => (await deviceOutbox(page)).length, { timeout: 60_000 }).toBe(0);
    await expect(card.getByTestId('session-pending')).toHaveCount(0);
    const onServer = (await pullScope(server, api.token)).sessions.find((s) => s.id === sessionId);
    expect(onServer).toMatchObject({ title, status: 'planned' });

    // A teacher of the same school, on another tablet, sees it after their sync.
    const teacher = await signedInTablet(browser, server, DEMO_TEACHER);
    await teacher.page.goto(`/buoi?xem=${tabOf(day)}`);
    await expect(teacher.page.locator(`[data-testid="session-card"][data-session-id="${sessionId}"]`)).toContainText(title);
    await teacher.context.close();
    await context.close();
  });

  test('two planners edit one session offline: the later one sees both versions and chooses', async ({ browser, baseURL }, testInfo) => {
    test.setTimeout(240_000);
    const server = baseURL!;
    const api = await apiSignIn(server, DEMO_PRINCIPAL);
    const schoolId = api.user.grants.find((g) => g.role === 'principal')!.unitId;
    const { year, day, drill } = await planningContext(server, api.token);

    // The session both will edit, planned online beforehand.
    const sessionId = randomUUID();
    const startsAt = new Date(Date.parse(`${day}T07:30:00+07:00`)).toISOString();
    const push = await fetch(new URL('/api/sync/push', server), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.token}` },
      body: JSON.stringify({
        clientId: `e2e-plans-${randomUUID()}.${api.user.id}`,
        schemaVersion: 1,
        mutations: [
          {
            id: randomUUID(),
            name: 'session.create',
            clientTime: new Date().toISOString(),
            args: {
              id: sessionId, schoolId, scopeUnitId: schoolId, schoolYearId: year.id, seriesId: null,
              title: 'Diễn tập PCCC học kỳ II', activityTypeId: drill.id, scenarioCode: null, startsAt,
              endsAt: new Date(Date.parse(startsAt) + 90 * 60_000).toISOString(), place: 'Sân trường',
              audience: { classIds: [], grades: [], staff: true, youthStaffOnly: false, parents: false },
              facilitatorPersonId: null, trainerUserId: null, materialIds: [], periods: null,
            },
          },
        ],
      }),
    });
    expect(await push.json()).toMatchObject({ results: [{ status: 'applied' }] });

    const first = await signedInTablet(browser, server, DEMO_PRINCIPAL);
    const second = await signedInTablet(browser, server, DEMO_PRINCIPAL);
    for (const tablet of [first, second]) {
      await tablet.context.setOffline(true);
      await tablet.page.goto(`/ke-hoach/buoi/${sessionId}/sua`);
      await expect(tablet.page.getByLabel('Tên buổi')).toHaveValue('Diễn tập PCCC học kỳ II');
    }
    await first.page.getByLabel('Tên buổi').fill('Diễn tập PCCC cùng Công an phường');
    await first.page.getByRole('button', { name: 'Lưu buổi' }).click();
    await expect(first.page.getByTestId('plan-saved')).toBeVisible();
    await second.page.getByLabel('Địa điểm').fill('Nhà đa năng');
    await second.page.getByRole('button', { name: 'Lưu buổi' }).click();
    await expect(second.page.getByTestId('plan-saved')).toBeVisible();

    // The first comes online first and wins; the second is then told its edit was stale.
    await first.context.setOffline(false);
    await expect.poll(async () => (await deviceOutbox(first.page)).length, { timeout: 60_000 }).toBe(0);
    await second.context.setOffline(false);
    await expect
      .poll(async () => (await deviceOutbox(second.page)).map((e) => e.state), { timeout: 60_000 })
      .toEqual(['rejected']);

    await second.page.goto('/can-xu-ly');
    const stale = second.page.getByTestId('stale-edit');
    await expect(stale).toBeVisible();
    await expect(stale.getByRole('columnheader', { name: 'Bản của bạn' })).toBeVisible();
    await expect(stale.getByRole('columnheader', { name: 'Bản trên máy chủ' })).toBeVisible();
    const titleRow = stale.locator('[data-testid="stale-field"][data-field="title"]');
    await expect(titleRow).toHaveAttribute('data-differs', 'true');
    await expect(titleRow.getByTestId('stale-mine')).toHaveText('Diễn tập PCCC học kỳ II');
    await expect(titleRow.getByTestId('stale-theirs')).toHaveText('Diễn tập PCCC cùng Công an phường');
    const placeRow = stale.locator('[data-testid="stale-field"][data-field="place"]');
    await expect(placeRow.getByTestId('stale-mine')).toHaveText('Nhà đa năng');
    await expect(placeRow.getByTestId('stale-theirs')).toHaveText('Sân trường');
    await second.page.screenshot({ path: testInfo.outputPath('stale-edit.png') });
    await expectNoSeriousA11yViolations(second.page);

    // Keeping mine sends it again on the server's current revision: the server now has the second planner's version.
    await stale.getByRole('button', { name: 'Giữ bản của tôi' }).click();
    await expect(second.page.getByTestId('attention-empty')).toBeVisible();
    await expect.poll(async () => (await deviceOutbox(second.page)).length, { timeout: 60_000 }).toBe(0);
    const onServer = (await pullScope(server, api.token)).sessions.find((s) => s.id === sessionId) as unknown as {
      title: string;
      place: string;
      revision: number;
    };
    expect(onServer).toMatchObject({ title: 'Diễn tập PCCC học kỳ II', place: 'Nhà đa năng', revision: 2 });
    await first.context.close();
    await second.context.close();
  });
});
