import { expect, test } from '@playwright/test';
import { hanoiDate } from '../../src/shared/time';
import {
  apiSignIn,
  DEMO_PRINCIPAL,
  expectNoSeriousA11yViolations,
  pullScope,
  signIn,
  waitForServiceWorkerControl,
  waitForSync,
} from './helpers';

/**
 * The plan's pages on a tablet with no network: the calendar, the "what is due" list and the printable plan all
 * read the device database filled by the first sync.
 */
test.describe('calendar, what is due and the printable plan, offline', () => {
  test.skip(({ isMobile }) => isMobile, 'runs once, on the tablet');

  test('a principal sees the demo sessions, the requirements with statuses and the plan to print', async ({
    page,
    context,
    baseURL,
  }, testInfo) => {
    test.setTimeout(180_000);
    const api = await apiSignIn(baseURL!, DEMO_PRINCIPAL);
    const schoolId = api.user.grants.find((g) => g.role === 'principal')!.unitId;
    const scope = await pullScope(baseURL!, api.token);
    // A principal pulls the school's sessions and the unit-wide ones of the units above it, all held at the school.
    const own = scope.sessions
      .filter((s) => s.schoolId === schoolId || s.schoolId === null)
      .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
    expect(own.length, 'the demo school has sessions').toBeGreaterThan(3);
    const upcoming = own.filter((s) => s.status === 'planned' && s.schoolId === schoolId);
    expect(upcoming.length, 'the demo school has sessions to come').toBeGreaterThan(0);

    await page.goto('/dang-nhap');
    const { user } = await signIn(page, DEMO_PRINCIPAL);
    await waitForServiceWorkerControl(page);
    await waitForSync(page, user.id);
    await context.setOffline(true);

    // Month view of the first session to come: it sits on its Hà Nội day.
    const first = upcoming[0]!;
    const day = hanoiDate(first.startsAt);
    await page.goto(`/lich?xem=month&ngay=${day}`);
    await expect(page.getByTestId('sync-status')).toContainText('Ngoại tuyến');
    await expect(page.getByRole('heading', { level: 1, name: 'Lịch hoạt động' })).toBeVisible();
    await expect(page.getByTestId(`calendar-day-${day}`).locator(`[data-session-id="${first.id}"]`)).toHaveCount(1);
    const panel = page.getByTestId('calendar-day-panel');
    await expect(panel.locator(`[data-session-id="${first.id}"]`)).toContainText(first.title);
    await expectNoSeriousA11yViolations(page);
    await page.screenshot({ path: testInfo.outputPath('calendar-month.png'), fullPage: true });

    // The agenda of that month lists every session of the school in it, in order.
    await page.getByTestId('calendar-tab-agenda').click();
    await expect(page).toHaveURL(/xem=agenda/);
    const month = day.slice(0, 7);
    const inMonth = own.filter((s) => hanoiDate(s.startsAt).slice(0, 7) === month);
    await expect(page.locator('[data-testid="calendar-agenda"] [data-testid="calendar-session"]')).toHaveCount(inMonth.length);
    for (const s of inMonth) await expect(page.locator(`[data-testid="calendar-agenda"] [data-session-id="${s.id}"]`)).toBeVisible();
    await expectNoSeriousA11yViolations(page);

    await page.getByTestId('calendar-tab-week').click();
    await expect(page.getByTestId(`calendar-week-day-${day}`).locator(`[data-session-id="${first.id}"]`)).toBeVisible();
    await expectNoSeriousA11yViolations(page);
    await page.screenshot({ path: testInfo.outputPath('calendar-week.png'), fullPage: true });

    // What is due: the demo requirements that apply to the school, each period with a status, the counts adding up.
    await page.goto('/can-lam');
    const school = page.getByTestId('due-school');
    await expect(school).toHaveCount(1);
    await expect(school.getByTestId('due-item').first()).toBeVisible();
    await expect(school).toContainText('Mỗi học kỳ tổ chức ít nhất 1 buổi diễn tập phương án PCCC và CNCH');
    await expect(school).toContainText('Học sinh ký cam kết chấp hành pháp luật về trật tự, an toàn giao thông');
    const statuses = await school.getByTestId('due-item').evaluateAll((items) => items.map((i) => i.getAttribute('data-status')));
    for (const s of statuses) expect(['overdue', 'not_scheduled', 'scheduled', 'done']).toContain(s);
    const counts = await Promise.all(
      ['overdue', 'not_scheduled', 'scheduled', 'done'].map(async (s) => Number(await school.getByTestId(`due-count-${s}`).locator('dd').textContent())),
    );
    expect(counts.reduce((a, b) => a + b, 0)).toBe(statuses.length);
    expect(counts[0]).toBe(statuses.filter((s) => s === 'overdue').length);
    await expectNoSeriousA11yViolations(page);
    await page.screenshot({ path: testInfo.outputPath('due.png'), fullPage: true });

    // The printable plan of the year, by month.
    await page.goto('/ke-hoach/in');
    // The demo's school year is the one under way in Hà Nội (in June to August, the one that opens in September).
    const today = hanoiDate(new Date());
    const startYear = Number(today.slice(0, 4)) - (Number(today.slice(5, 7)) >= 6 ? 0 : 1);
    await expect(page.getByTestId('print-title')).toHaveText(`Kế hoạch năm học ${startYear}-${startYear + 1}`);
    const printable = own.filter((s) => s.status !== 'cancelled');
    await expect(page.getByTestId('print-session')).toHaveCount(printable.length);
    await expect(page.getByTestId('feed-create')).toBeDisabled();
    await expectNoSeriousA11yViolations(page);
    await page.emulateMedia({ media: 'print' });
    await expect(page.getByTestId('print-button')).toBeHidden();
    await expect(page.locator('.app-shell__nav')).toBeHidden();
    await page.screenshot({ path: testInfo.outputPath('plan-print.png'), fullPage: true });
  });
});
