import { createHash, randomBytes } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { DEMO_PRINCIPAL, DEMO_TEACHER, signIn } from './helpers';

/**
 * The material upload form (issue #6, item 1) in Chromium against the real server: a 9 MB PDF goes up in 4 MiB
 * chunks with a progress bar; the connection drops in the middle; after a reload the same file is picked again and
 * the upload continues from the server's offset (only the missing chunks are sent); the material is published with
 * its metadata. A renamed executable is refused with the server's message; a teacher cannot upload.
 */

// The page's own requests are observed and cut here; a service worker would make them on its behalf.
test.use({ serviceWorkers: 'block' });

const MB = 1024 * 1024;

function pdf(size: number): Buffer {
  const bytes = randomBytes(size);
  bytes.write('%PDF-1.4\n', 0, 'latin1');
  return bytes;
}

async function openUploadPage(page: Page): Promise<void> {
  // The sign-in is kept on the device once the app has left the sign-in page; a navigation before that would lose it.
  await expect(page).not.toHaveURL(/dang-nhap/);
  await page.goto('/tai-lieu/tai-len');
  await expect(page.getByRole('heading', { level: 1, name: 'Tải lên tài liệu' })).toBeVisible();
}

test('uploads a material in chunks, resumes after a dropped connection and a reload, and publishes it', async ({ page }) => {
  await page.goto('/');
  const login = await signIn(page, DEMO_PRINCIPAL);
  await openUploadPage(page);

  const bytes = pdf(9 * MB);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const patches: number[] = [];
  let cut = true;
  await page.route('**/api/files/uploads/*', async (route) => {
    const request = route.request();
    if (request.method() !== 'PATCH') return route.continue();
    const offset = Number(request.headers()['upload-offset']);
    patches.push(offset);
    // The second chunk never arrives: the connection drops.
    if (cut && offset > 0) {
      cut = false;
      return route.abort('connectionreset');
    }
    return route.continue();
  });

  const file = { name: 'Ke hoach PCCC 2025.pdf', mimeType: 'application/pdf', buffer: bytes };
  await page.getByTestId('upload-file-input').setInputFiles(file);
  await expect(page.getByTestId('upload-progress')).toContainText('Mất kết nối');
  expect(patches).toEqual([0, 4 * MB]);

  // The tablet reloads the app; the unfinished upload is offered, and the same file is picked again.
  await page.reload();
  await expect(page.getByTestId('upload-resume-banner')).toContainText('Ke hoach PCCC 2025.pdf');
  await page.getByTestId('upload-file-input').setInputFiles(file);
  await expect(page.getByTestId('upload-done')).toBeVisible();
  // Only what the server lacked was sent again: the first chunk went once.
  expect(patches).toEqual([0, 4 * MB, 4 * MB, 8 * MB]);

  await expect(page.getByTestId('material-title')).toHaveValue('Ke hoach PCCC 2025');
  await page.getByTestId('material-title').fill('Kế hoạch PCCC năm học');
  await page.getByLabel('Từ khoá').fill('pccc, thoát nạn');
  await page.getByTestId('material-submit').click();
  await expect(page.getByTestId('upload-saved')).toContainText('Đã đăng tài liệu “Kế hoạch PCCC năm học”');

  // The server holds the exact bytes under their hash.
  const stored = await page.request.get(`/api/files/${sha256}`, { headers: { authorization: `Bearer ${login.token}` } });
  expect(stored.status()).toBe(200);
  expect(createHash('sha256').update(await stored.body()).digest('hex')).toBe(sha256);
});

test('refuses an executable renamed .pdf with a clear message', async ({ page }) => {
  await page.goto('/');
  await signIn(page, DEMO_PRINCIPAL);
  await openUploadPage(page);
  const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), randomBytes(20_000)]);
  await page.getByTestId('upload-file-input').setInputFiles({ name: 'tai-lieu.pdf', mimeType: 'application/pdf', buffer: elf });
  await expect(page.getByTestId('upload-problem')).toContainText('chỉ nhận PDF');
  await expect(page.getByTestId('material-submit')).toBeDisabled();
});

test('tells a teacher that uploading to a library is not theirs to do', async ({ page }) => {
  await page.goto('/');
  await signIn(page, DEMO_TEACHER);
  await openUploadPage(page);
  await expect(page.getByTestId('upload-not-allowed')).toBeVisible();
});
