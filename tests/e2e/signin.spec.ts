import { expect, test } from '@playwright/test';
import { DEMO_TEACHER, expectNoSeriousA11yViolations, signIn } from './helpers';

test.describe('sign-in', () => {
  test('the demo teacher signs in and sees the home page with their name and school', async ({ page }, testInfo) => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/dang-nhap$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Đăng nhập' })).toBeVisible();
    await expect(page).toHaveTitle('Đăng nhập · Trường An');
    await expect(page.locator('html')).toHaveAttribute('lang', 'vi');
    await expectNoSeriousA11yViolations(page);
    await page.screenshot({ path: testInfo.outputPath('sign-in.png') });

    const { user } = await signIn(page, DEMO_TEACHER);
    const teacher = user.grants.find((g) => g.role === 'teacher');
    expect(teacher, 'the demo teacher has a teacher grant').toBeDefined();
    expect(teacher?.unitName).toMatch(/Dịch Vọng/);

    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole('heading', { level: 1, name: `Xin chào, ${user.displayName}` })).toBeVisible();
    await expect(page.getByTestId('home-scope')).toHaveText(`Giáo viên — ${teacher?.unitName}`);
    await expect(page.getByTestId('current-unit')).toContainText(teacher?.unitName ?? '');
    await expect(page.getByRole('button', { name: `Tài khoản ${user.displayName}` })).toBeVisible();
    await expect(page.getByTestId('sync-status')).toContainText('Trực tuyến');
    await expect(page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Trang chủ' }))
      .toBeVisible();
    await expectNoSeriousA11yViolations(page);

    // The session survives a reload: restore() runs before the route guard.
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: `Xin chào, ${user.displayName}` })).toBeVisible();
  });

  test('navigation is a side rail on a landscape tablet and a bottom bar on a phone', async ({ page }, testInfo) => {
    await page.goto('/dang-nhap');
    await signIn(page, DEMO_TEACHER);
    const nav = page.getByRole('navigation', { name: 'Điều hướng chính' });
    await expect(nav).toBeVisible();
    const navBox = await nav.boundingBox();
    const mainBox = await page.locator('main#main').boundingBox();
    expect(navBox && mainBox).toBeTruthy();
    if (!navBox || !mainBox) return;
    const viewport = page.viewportSize() ?? { width: 0, height: 0 };
    if (testInfo.project.name === 'tablet') {
      expect(navBox.x).toBe(0);
      expect(navBox.x + navBox.width).toBeLessThanOrEqual(mainBox.x + 1);
    } else {
      // Stuck to the bottom of the screen across its whole width, while the page scrolls above it.
      expect(Math.abs(navBox.y + navBox.height - viewport.height)).toBeLessThanOrEqual(1);
      expect(navBox.width).toBeGreaterThanOrEqual(viewport.width - 1);
    }
    await page.screenshot({ path: testInfo.outputPath('home.png') });
    // Touch targets of at least 44 × 44 CSS pixels.
    for (const control of [nav.getByRole('link', { name: 'Trang chủ' }), page.getByTestId('sync-status')]) {
      const box = await control.boundingBox();
      expect(box?.height ?? 0).toBeGreaterThanOrEqual(44);
      expect(box?.width ?? 0).toBeGreaterThanOrEqual(44);
    }
  });

  test('empty fields and a wrong password are explained next to the form', async ({ page }) => {
    await page.goto('/dang-nhap');
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await expect(page.getByLabel('Tên đăng nhập')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByText('Hãy nhập tên đăng nhập')).toBeVisible();
    await expect(page.getByText('Hãy nhập mật khẩu')).toBeVisible();
    await expectNoSeriousA11yViolations(page);

    await page.getByLabel('Tên đăng nhập').fill(DEMO_TEACHER.username);
    await page.getByLabel('Mật khẩu', { exact: true }).fill('not-the-password');
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await expect(page.getByTestId('sign-in-failure')).toContainText('Sai tên đăng nhập hoặc mật khẩu');
    await expect(page).toHaveURL(/\/dang-nhap$/);
  });

  test('switching user keeps the account on the device; signing out forgets it', async ({ page }) => {
    await page.goto('/dang-nhap');
    const { user } = await signIn(page, DEMO_TEACHER);
    await expect(page.getByRole('heading', { level: 1 })).toContainText(user.displayName);

    // By keyboard: open the user menu and choose "Đổi người dùng".
    await page.getByRole('button', { name: `Tài khoản ${user.displayName}` }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('menuitem', { name: 'Đổi người dùng' }).click();
    await expect(page).toHaveURL(/\/dang-nhap$/);
    const accounts = page.getByTestId('device-accounts');
    await expect(accounts.getByRole('heading', { name: 'Đã đăng nhập trên máy này' })).toBeVisible();
    await accounts.getByRole('button', { name: new RegExp(user.displayName) }).click();
    await expect(page.getByLabel('Tên đăng nhập')).toHaveValue(DEMO_TEACHER.username);
    await expect(page.getByLabel('Mật khẩu', { exact: true })).toBeFocused();

    await page.getByLabel('Mật khẩu', { exact: true }).fill(DEMO_TEACHER.password);
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText(user.displayName);

    await page.getByRole('button', { name: `Tài khoản ${user.displayName}` }).click();
    await page.getByRole('menuitem', { name: 'Đăng xuất' }).click();
    await expect(page).toHaveURL(/\/dang-nhap$/);
    await expect(page.getByTestId('device-accounts')).toHaveCount(0);
    await page.goto('/');
    await expect(page).toHaveURL(/\/dang-nhap$/);
  });

  test('the language switch turns the interface to English and back', async ({ page }) => {
    await page.goto('/dang-nhap');
    await page.getByRole('group', { name: 'Ngôn ngữ' }).getByRole('button', { name: /English/ }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
    await page.getByRole('group', { name: 'Language' }).getByRole('button', { name: /Tiếng Việt/ }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Đăng nhập' })).toBeVisible();
  });

  test('an unknown address shows the not-found page', async ({ page }) => {
    await page.goto('/khong-co-trang-nay');
    await expect(page.getByRole('heading', { level: 1, name: 'Không tìm thấy trang' })).toBeVisible();
    await expectNoSeriousA11yViolations(page);
  });
});
