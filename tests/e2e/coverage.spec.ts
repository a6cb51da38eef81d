import { expect, test } from '@playwright/test';
import ExcelJS from 'exceljs';
import { SchoolCoverageResponseSchema, UnitCoverageResponseSchema } from '../../src/shared/coverage/wire';
import { PullResponseSchema } from '../../src/shared/sync/wire';
import {
  apiSignIn,
  DEMO_PRINCIPAL,
  deviceOutbox,
  expectNoSeriousA11yViolations,
  signIn,
  waitForServiceWorkerControl,
  waitForSync,
} from './helpers';

/** Indicators whose missing items are the very people a make-up session is for (parents are reached through students). */
const PEOPLE_INDICATORS = ['staffLegalEducation', 'youthStaffTrained', 'studentsVolunteering', 'trafficCommitments'] as const;

/** A session row as the server hands it out in a pull (the server's own record, not the page's). */
async function serverSession(baseURL: string, token: string, id: string): Promise<Record<string, unknown> | undefined> {
  let cursor: string | undefined;
  for (;;) {
    const url = new URL('/api/sync/pull', baseURL);
    url.searchParams.set('limit', '5000');
    if (cursor) url.searchParams.set('cursor', cursor);
    const page = PullResponseSchema.parse(await (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).json());
    const found = page.changes.find((c) => c.entity === 'session' && c.op === 'put' && c.row.id === id);
    if (found) return found.row;
    cursor = page.cursor;
    if (!page.hasMore) return undefined;
  }
}

/**
 * The principal's coverage page works from the tablet's own data: offline, it shows who is still missing an
 * indicator, and one tap plans a make-up session for exactly those people, which reaches the server once online.
 */
test.describe('coverage', () => {
  test.skip(({ isMobile }) => isMobile, 'the offline coverage flow runs once, on the tablet');

  test('offline, the principal sees who is missing and plans a make-up session for them that syncs', async ({ browser, baseURL }, testInfo) => {
    test.setTimeout(240_000);
    const server = baseURL!;
    const api = await apiSignIn(server, DEMO_PRINCIPAL);
    const schoolId = api.user.grants.find((g) => g.role === 'principal')!.unitId;

    // The server's own figures for the school: the device must find the same people missing.
    const response = await fetch(new URL(`/api/coverage/schools/${schoolId}`, server), {
      headers: { authorization: `Bearer ${api.token}` },
    });
    expect(response.status).toBe(200);
    const onServer = SchoolCoverageResponseSchema.parse(await response.json());
    const target = onServer.indicators.find(
      (i) => (PEOPLE_INDICATORS as readonly string[]).includes(i.code) && i.missing.length > 0 && i.missing.length <= 300,
    );
    expect(target, 'the demo school has someone missing an indicator').toBeDefined();
    const missingIds = target!.missing.filter((m) => m.kind === 'person').map((m) => m.id).sort();

    const context = await browser.newContext({
      baseURL: server,
      viewport: { width: 1280, height: 800 },
      hasTouch: true,
      locale: 'vi-VN',
      timezoneId: 'Asia/Ho_Chi_Minh',
    });
    const page = await context.newPage();
    await page.goto('/dang-nhap');
    const { user } = await signIn(page, DEMO_PRINCIPAL);
    await waitForServiceWorkerControl(page);
    await waitForSync(page, user.id);

    await context.setOffline(true);
    await page.goto('/bao-phu');
    await expect(page.getByRole('heading', { level: 1, name: 'Mức độ bao phủ các chỉ tiêu' })).toBeVisible();
    const card = page.getByTestId(`indicator-${target!.code}`);
    await expect(card.getByTestId(`rate-${target!.code}`)).toHaveText(`${String(target!.percentage).replace('.', ',')}%`);
    await card.getByTestId(`show-missing-${target!.code}`).click();
    const items = card.getByTestId(`missing-${target!.code}`).getByTestId('missing-item');
    await expect(items).toHaveCount(target!.missing.length);
    await expect(items.first()).toBeVisible();
    for (const m of target!.missing.slice(0, 5)) {
      await expect(card.getByTestId(`missing-${target!.code}`)).toContainText(m.name);
    }
    await expectNoSeriousA11yViolations(page);
    await page.screenshot({ path: testInfo.outputPath('coverage-offline.png'), fullPage: true });

    // One tap: the session form, pre-filled for exactly those people.
    await card.getByTestId(`make-up-${target!.code}`).click();
    await expect(page.getByTestId('session-form')).toBeVisible();
    await expect(page.getByTestId('plan-make-up')).toContainText(`Buổi bù cho ${missingIds.length} người còn thiếu`);
    await expect(page.getByLabel('Tên buổi')).toHaveValue(/^Buổi bù: /);
    await page.getByLabel('Địa điểm').fill('Phòng họp');
    await page.getByRole('button', { name: 'Lưu buổi' }).click();
    await expect(page.getByTestId('plan-saved')).toContainText('Đã lưu 1 buổi trên máy — chờ đồng bộ.');
    const entry = (await deviceOutbox(page)).find((e) => e.name === 'session.create');
    expect(entry?.state).toBe('pending');
    const args = entry!.args as unknown as { id: string; audience: { personIds?: string[] } };
    expect([...(args.audience.personIds ?? [])].sort()).toEqual(missingIds);

    // Back online: it goes out by itself, and the server has the session with that audience.
    await context.setOffline(false);
    await expect.poll(async () => (await deviceOutbox(page)).length, { timeout: 60_000 }).toBe(0);
    const row = await serverSession(server, api.token, args.id);
    expect(row).toMatchObject({ schoolId, status: 'planned', title: expect.stringMatching(/^Buổi bù: /) as unknown });
    expect([...((row!.audience as { personIds?: string[] }).personIds ?? [])].sort()).toEqual(missingIds);
    await context.close();
  });

  test('a ward officer sees only the ward’s schools, online and offline, and acknowledges a school’s report', async ({ browser, baseURL }, testInfo) => {
    test.setTimeout(240_000);
    const server = baseURL!;
    const officer = { username: 'phuong.caugiay', password: 'truongan2025' };
    const api = await apiSignIn(server, officer);
    const wardId = api.user.grants.find((g) => g.role === 'officer')!.unitId;
    const ward = UnitCoverageResponseSchema.parse(
      await (await fetch(new URL(`/api/coverage?unitId=${wardId}`, server), { headers: { authorization: `Bearer ${api.token}` } })).json(),
    );
    const wardSchools = ward.schools.map((s) => s.name).sort();
    expect(wardSchools.length).toBeGreaterThan(0);

    // The principal of a school of the ward writes the term report and submits it (online).
    const principal = await apiSignIn(server, DEMO_PRINCIPAL);
    const schoolId = principal.user.grants.find((g) => g.role === 'principal')!.unitId;
    expect(ward.schools.map((s) => s.schoolId)).toContain(schoolId);
    const pContext = await browser.newContext({ baseURL: server, viewport: { width: 1280, height: 800 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
    const pPage = await pContext.newPage();
    await pPage.goto('/dang-nhap');
    const signedIn = await signIn(pPage, DEMO_PRINCIPAL);
    await waitForSync(pPage, signedIn.user.id);
    await pPage.goto('/bao-cao');
    await pPage.getByTestId('report-create-term').click();
    await expect(pPage.getByTestId('report-print-title')).toHaveText('Báo cáo sơ kết học kỳ I');
    await pPage.getByLabel('Kết quả nổi bật, đề nghị khen thưởng').fill('Đề nghị khen thưởng Liên đội Dịch Vọng');
    pPage.once('dialog', (d) => void d.accept());
    await pPage.getByTestId('report-submit').click();
    await expect(pPage.getByText('Đã gửi báo cáo.')).toBeVisible();
    const reportId = new URL(pPage.url()).pathname.split('/').pop()!;
    await pContext.close();

    // The ward officer: the unit view lists exactly the ward's schools.
    const context = await browser.newContext({ baseURL: server, viewport: { width: 1280, height: 800 }, hasTouch: true, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
    const page = await context.newPage();
    await page.goto('/dang-nhap');
    const { user } = await signIn(page, officer);
    await waitForServiceWorkerControl(page);
    await waitForSync(page, user.id);
    await page.goto('/bao-phu/don-vi');
    const rows = page.getByTestId('unit-school-row');
    await expect(rows).toHaveCount(wardSchools.length);
    expect((await rows.locator('th').allTextContents()).map((t) => t.trim()).sort()).toEqual(wardSchools);
    await expectNoSeriousA11yViolations(page);
    await page.screenshot({ path: testInfo.outputPath('unit-coverage.png'), fullPage: true });

    // Offline: the last figures are still there, said to be saved ones.
    await context.setOffline(true);
    await page.reload();
    await expect(page.getByTestId('unit-problem')).toContainText('Đang xem số liệu đã lưu');
    await expect(rows).toHaveCount(wardSchools.length);
    await context.setOffline(false);

    // The school's report reached the ward: acknowledge it and take the workbook.
    await page.goto(`/bao-cao/${reportId}`);
    await expect(page.getByTestId('report-notable')).toHaveText('Đề nghị khen thưởng Liên đội Dịch Vọng');
    await page.getByTestId('report-acknowledge').click();
    await expect(page.getByText('Đã xác nhận tiếp nhận.')).toBeVisible();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-xlsx').click()]);
    expect(download.suggestedFilename()).toMatch(/^Bao-cao-so-ket-hoc-ky-I-.*\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(await download.path());
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Chỉ tiêu', 'Diễn tập', 'Buổi hoạt động']);
    await page.goto(`/bao-cao/${reportId}/in`);
    await expect(page.getByTestId('report-print')).toContainText('Cấp trên tiếp nhận');
    await page.emulateMedia({ media: 'print' });
    await expect(page.getByTestId('report-print-button')).toBeHidden();
    await context.close();
  });
});
