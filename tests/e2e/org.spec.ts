import { expect, test, type Page } from '@playwright/test';
import { DB_NAME } from '../../src/client/db/schema';
import { DEMO_PRINCIPAL, apiSignIn, chipPendingCount, signIn, waitForSync } from './helpers';

/**
 * Organisation and personal data in a real browser (issue #8): a principal keeps the roster offline, a person erased
 * on the server disappears from the tablet at its next sync, and an account made in bulk must change its initial
 * password before anything else.
 */

/** Whether the device's database still holds a row of `store` with this id (plain IndexedDB, the browser's own record). */
function deviceHas(page: Page, store: string, id: string): Promise<boolean> {
  return page.evaluate(
    ({ name, store, id }) =>
      new Promise<boolean>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db.transaction(store, 'readonly').objectStore(store).get(id);
          req.onsuccess = () => {
            db.close();
            resolve(req.result !== undefined);
          };
          req.onerror = () => reject(req.error);
        };
      }),
    { name: DB_NAME, store, id },
  );
}

// Both flows change the demo data (a student, an account): they run once, on the tablet.
test.skip(({ isMobile }) => isMobile, 'the flows run once, on the tablet');

test('a principal adds a student offline; erasing them later removes them from the tablet at its next sync', async ({ page, context, baseURL }) => {
  await page.goto('/');
  const login = await signIn(page, DEMO_PRINCIPAL);
  await waitForSync(page, login.user.id);

  await page.goto('/danh-sach');
  await expect(page.getByRole('heading', { level: 1, name: 'Danh sách lớp và người' })).toBeVisible();

  await context.setOffline(true);
  await page.getByRole('button', { name: 'Thêm người' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Họ và tên').fill('Phạm Thử Xoá');
  await dialog.getByLabel('Năm sinh').fill('2017');
  await dialog.getByRole('button', { name: 'Lưu' }).click();
  await expect(page.getByRole('status')).toContainText('Đã lưu trên máy — chờ đồng bộ.');
  await page.getByRole('searchbox').fill('pham thu xoa');
  const row = page.locator('.roster__row', { hasText: 'Phạm Thử Xoá' });
  await expect(row).toContainText('Chờ đồng bộ');
  const personId = (await row.getAttribute('data-person-id'))!;
  expect(await deviceHas(page, 'person', personId)).toBe(true);

  // Back online, the change reaches the server.
  await context.setOffline(false);
  await expect.poll(() => chipPendingCount(page), { timeout: 30_000 }).toBe(0);
  const { token } = await apiSignIn(baseURL!, DEMO_PRINCIPAL);
  const exportUrl = new URL(`/api/persons/${personId}/export`, baseURL);
  const exported = await fetch(exportUrl, { headers: { authorization: `Bearer ${token}` } });
  expect(exported.status).toBe(200);
  expect(((await exported.json()) as { person: { fullName: string } }).person.fullName).toBe('Phạm Thử Xoá');

  // Erased from the server through the page; the tablet's copy goes with the next pull.
  await expect(row).not.toContainText('Chờ đồng bộ');
  await row.getByRole('button', { name: 'Sửa' }).click();
  await page.getByRole('button', { name: 'Xóa toàn bộ dữ liệu' }).click();
  await page.getByRole('button', { name: 'Tôi hiểu, xóa vĩnh viễn' }).click();
  await expect(page.getByRole('status')).toContainText('Đã xóa.');
  await expect.poll(() => deviceHas(page, 'person', personId), { timeout: 30_000 }).toBe(false);
  await expect(page.locator('.roster__row', { hasText: 'Phạm Thử Xoá' })).toHaveCount(0);
  expect((await fetch(exportUrl, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
});

test('an account made in bulk must set its own password at its first sign-in', async ({ page, baseURL }) => {
  const { token, user } = await apiSignIn(baseURL!, DEMO_PRINCIPAL);
  const schoolId = user.grants.find((g) => g.role === 'principal')!.unitId;
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  // A staff member of the school without an account: a new one, made through the roster's own mutation.
  const personId = crypto.randomUUID();
  const push = await fetch(new URL('/api/sync/push', baseURL), {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({
      clientId: `e2e-org-${crypto.randomUUID()}`,
      schemaVersion: 1,
      mutations: [
        {
          id: crypto.randomUUID(),
          name: 'person.save',
          clientTime: new Date().toISOString(),
          args: {
            id: personId, schoolId, kind: 'staff', fullName: 'Hoàng Văn Mới', code: null, birthYear: 1992, sex: 'male',
            classId: null, roleTags: ['teacher'], status: 'active', joinedOn: null, leftOn: null,
          },
        },
      ],
    }),
  });
  expect(((await push.json()) as { results: { status: string }[] }).results[0]!.status).toBe('applied');
  const bulk = await fetch(new URL(`/api/schools/${schoolId}/accounts/bulk`, baseURL), {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ personIds: [personId] }),
  });
  expect(bulk.status).toBe(201);
  const made = ((await bulk.json()) as { created: { username: string; initialPassword: string }[] }).created[0]!;
  expect(made.username).toBe('hoangvanmoi.dichvong');

  await page.goto('/');
  await signIn(page, { username: made.username, password: made.initialPassword });
  await expect(page).toHaveURL(/\/doi-mat-khau$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Đổi mật khẩu' })).toBeVisible();
  // Nowhere else to go until the password is changed.
  await page.goto('/buoi');
  await expect(page).toHaveURL(/\/doi-mat-khau$/);

  await page.getByLabel('Mật khẩu hiện tại').fill(made.initialPassword);
  await page.getByLabel('Mật khẩu mới (ít nhất 10 ký tự)').fill('mat-khau-rieng-2026');
  await page.getByLabel('Nhập lại mật khẩu mới').fill('mat-khau-rieng-2026');
  await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Xin chào, / })).toBeVisible();
  await page.goto('/buoi');
  await expect(page).toHaveURL(/\/buoi$/);
  await apiSignIn(baseURL!, { username: made.username, password: 'mat-khau-rieng-2026' });
});
