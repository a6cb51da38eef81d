import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import { LoginResponseSchema, type LoginResponse } from '../../src/shared/auth';

/** Demo accounts loaded on the first start of an empty database (src/server/demo). */
export const DEMO_TEACHER = { username: 'gv.dichvong', password: 'truongan2025' } as const;

/**
 * Signs in through the form, as a user would, and returns what the server answered: tests compare the screen
 * with the server's own account data rather than with names copied into the test.
 */
export async function signIn(page: Page, credentials: { username: string; password: string }): Promise<LoginResponse> {
  await page.getByLabel('Tên đăng nhập').fill(credentials.username);
  await page.getByLabel('Mật khẩu', { exact: true }).fill(credentials.password);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/auth/login') && r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Đăng nhập', exact: true }).click(),
  ]);
  expect(response.status(), await response.text()).toBe(200);
  return LoginResponseSchema.parse(await response.json());
}

/** WCAG 2.1 A and AA rules; only serious and critical findings fail, each named with where it is. */
export async function expectNoSeriousA11yViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious, `accessibility violations on ${page.url()}`).toEqual([]);
}
