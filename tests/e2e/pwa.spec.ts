import { expect, test, type Page } from '@playwright/test';
import { DEMO_TEACHER, expectNoSeriousA11yViolations, signIn } from './helpers';

/** Waits until the service worker has installed (precache filled), activated and taken this page over. */
async function waitForServiceWorkerControl(page: Page): Promise<void> {
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  expect(new URL(scope).pathname).toBe('/');
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

test.describe('offline app (service worker)', () => {
  test('after one online visit the app starts offline from the precache; /api is never cached', async ({
    page,
    context,
  }, testInfo) => {
    // The service worker and workbox-window run under the server's CSP (script-src 'self'): nothing is refused.
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    await page.goto('/dang-nhap');
    const { user } = await signIn(page, DEMO_TEACHER);
    const greeting = page.getByRole('heading', { level: 1, name: `Xin chào, ${user.displayName}` });
    await expect(greeting).toBeVisible();
    await waitForServiceWorkerControl(page);
    // The first pull runs right after sign-in; let it finish so the offline visit has the school's data.
    await expect(page.getByTestId('sync-status')).toContainText(/Đồng bộ lúc/, { timeout: 30_000 });

    await context.setOffline(true);
    const reload = await page.reload();
    expect(reload?.fromServiceWorker(), 'the page came from the service worker').toBe(true);
    await expect(greeting).toBeVisible();
    await expect(page.getByTestId('sync-status')).toContainText('Ngoại tuyến');
    await page.screenshot({ path: testInfo.outputPath('offline-home.png') });

    // The API fails offline: no cache answers it, neither a fetch nor a navigation.
    const apiFetch = await page.evaluate(async () => {
      try {
        const response = await fetch('/api/health');
        return `answered ${response.status}`;
      } catch (error) {
        return `failed: ${(error as Error).name}`;
      }
    });
    expect(apiFetch).toBe('failed: TypeError');
    const cachedApi = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) {
        // The materials cache holds training files saved for offline use (content-addressed, on purpose).
        if (name.startsWith('materials-')) continue;
        for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
      }
      return { all: urls.length, api: urls.filter((p) => p.startsWith('/api/')) };
    });
    expect(cachedApi.all, 'the precache holds the app').toBeGreaterThan(5);
    expect(cachedApi.api).toEqual([]);
    const apiPage = await page.context().newPage();
    await expect(apiPage.goto('/api/health')).rejects.toThrow(/ERR_INTERNET_DISCONNECTED|ERR_FAILED/);
    await apiPage.close();

    // Another route of the app opens offline too (every navigation is the precached index.html).
    await page.goto('/cai-dat');
    await expect(page.getByRole('heading', { level: 1, name: 'Cài đặt' })).toBeVisible();
    await context.setOffline(false);
    expect(cspViolations).toEqual([]);
  });

  test('the manifest is linked, in Vietnamese, installable (icons 192, 512, maskable; standalone)', async ({
    page,
  }) => {
    await page.goto('/dang-nhap');
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(href).toBeTruthy();
    const response = await page.request.get(new URL(href!, page.url()).toString());
    expect(response.ok()).toBe(true);
    const manifest = (await response.json()) as {
      name: string;
      short_name: string;
      lang: string;
      display: string;
      start_url: string;
      icons: { src: string; sizes: string; purpose?: string }[];
    };
    expect(manifest.name).toBe('Trường An — An toàn trường học Hà Nội');
    expect(manifest.short_name).toBe('Trường An');
    expect(manifest.lang).toBe('vi');
    expect(manifest.display).toBe('standalone');
    expect(manifest.start_url).toBe('/');
    const sizes = manifest.icons.map((i) => i.sizes);
    expect(sizes).toContain('192x192');
    expect(sizes).toContain('512x512');
    expect(manifest.icons.some((i) => i.purpose === 'maskable')).toBe(true);
    for (const icon of manifest.icons) {
      const image = await page.request.get(new URL(icon.src, page.url()).toString());
      expect(image.headers()['content-type'], icon.src).toBe('image/png');
    }
  });

  test('the settings page shows the device storage, the pending work and the version', async ({ page }, testInfo) => {
    await page.goto('/dang-nhap');
    await signIn(page, DEMO_TEACHER);
    await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Cài đặt' }).click();
    await expect(page).toHaveURL(/\/cai-dat$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Cài đặt' })).toBeVisible();
    await expect(page).toHaveTitle('Cài đặt · Trường An');

    // Chromium answers both questions: persisted or not, and an estimate of usage against the quota.
    const storage = page.getByTestId('settings-storage');
    await expect(storage.getByTestId('storage-persisted')).toHaveText(/Dữ liệu (được|chưa được) giữ cố định/);
    await expect(storage.getByTestId('storage-usage')).toHaveText(
      /^Đã dùng [\d,.]+ (byte|kB|MB|GB) trên [\d,.]+ (MB|GB|TB) cho phép \(\d+%\)$/,
    );
    const figures = await page.evaluate(async () => {
      const estimate = await navigator.storage.estimate();
      return { quota: estimate.quota ?? 0, persisted: await navigator.storage.persisted() };
    });
    expect(figures.quota).toBeGreaterThan(0);
    await expect(storage.getByRole('progressbar', { name: 'Dung lượng đã dùng' })).toBeVisible();
    if (!figures.persisted) {
      await storage.getByRole('button', { name: 'Yêu cầu giữ dữ liệu cố định' }).click();
      await expect(storage.getByTestId('storage-persist-answer')).toBeVisible();
    }

    await expect(page.getByTestId('settings-work')).toContainText('Mọi thay đổi trên máy đã được gửi lên máy chủ.');
    await expect(page.getByTestId('settings-version')).toHaveText(/^\d+\.\d+\.\d+/);
    await expect(page.getByTestId('settings-device-id')).toHaveText(/^device-[0-9a-f-]{36}$/);
    await page.screenshot({ path: testInfo.outputPath('settings.png'), fullPage: true });
    await expectNoSeriousA11yViolations(page);

    const syncNow = page.getByTestId('settings-sync-now');
    await expect(syncNow).toBeEnabled({ timeout: 30_000 });
    const box = await syncNow.boundingBox();
    expect(box?.height ?? 0).toBeGreaterThanOrEqual(44);
    await syncNow.click();
    await expect(page.getByTestId('settings-last-sync')).toHaveText(/^Đồng bộ gần nhất: /);

    await page.goto('/can-xu-ly');
    await expect(page.getByRole('heading', { level: 1, name: 'Cần xử lý' })).toBeVisible();
    await expect(page.getByTestId('attention-empty')).toHaveText('Không có thay đổi nào cần xử lý.');
    await expectNoSeriousA11yViolations(page);
  });
});
