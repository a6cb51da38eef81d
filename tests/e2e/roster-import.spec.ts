import { expect, test } from '@playwright/test';
import { DEMO_PRINCIPAL, expectNoSeriousA11yViolations, signIn } from './helpers';

/**
 * A principal imports a CSV export in the browser: the preview lists the bad row with its problem and warns about
 * the students missing from the file, applying needs the skip confirmation, the result is shown. Offline, the page
 * says why it cannot import.
 */
test.describe('roster import', () => {
  // The import changes the demo school's roster: it runs once, on the tablet.
  test.skip(({ isMobile }) => isMobile, 'the import runs once, on the tablet');
  test('a principal previews a CSV with a bad row, confirms and applies it', async ({ page, context }, testInfo) => {
    await page.goto('/dang-nhap');
    await signIn(page, DEMO_PRINCIPAL);
    await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Nhập danh sách' }).click();
    await expect(page).toHaveURL(/\/danh-sach\/nhap$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Nhập danh sách từ CSDL ngành' })).toBeVisible();

    const csv =
      '\ufeffMã học sinh;Họ và tên;Mã lớp;Ngày sinh;Giới tính;Trạng thái HS;Dân tộc;Họ tên cha\r\n' +
      'HS-E2E-0001;Nguyễn Văn Nhập;1A9;03/02/2019;Nam;Đang học;Tày;Trần Khải Hoàn\r\n' +
      'HS-E2E-0002;Lê Thị Mới;1A9;14/11/2019;Nữ;Chuyển đến;Kinh;Lê Quang Thiều\r\n' +
      'HS-E2E-0003;;1A9;31/02/2019;Nữ;Đang học;Kinh;\r\n';
    await page.getByTestId('import-file').setInputFiles({ name: 'hoc-sinh.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.getByTestId('import-upload').click();

    const preview = page.getByTestId('import-preview');
    await expect(preview).toBeVisible();
    await expect(page.getByTestId('import-count-create')).toContainText('2');
    await expect(page.getByTestId('import-count-errors')).toContainText('1');
    await expect(preview).toContainText('Không đọc các cột dữ liệu cá nhân: Dân tộc, Họ tên cha');
    await expect(preview).toContainText('Lớp sẽ được tạo khi áp dụng: 1A9');
    // The file speaks only for class 1A9: nobody of the demo school's other classes is marked as left.
    await expect(preview).not.toContainText(/sẽ được đánh dấu đã rời trường/);
    const rows = page.getByTestId('import-rows');
    await expect(rows.getByRole('row').nth(1)).toContainText('4');
    await expect(rows.getByRole('row').nth(1)).toContainText('Thiếu họ tên; Ngày sinh không hợp lệ');
    await expect(preview).not.toContainText('Tày');
    await expectNoSeriousA11yViolations(page);
    await page.screenshot({ path: testInfo.outputPath('import-preview.png'), fullPage: true });

    const apply = page.getByTestId('import-apply');
    await expect(apply).toBeDisabled();
    await page.getByText('Bỏ qua 1 dòng lỗi và nhập các dòng còn lại').click();
    await expect(apply).toBeEnabled();
    await apply.click();
    await expect(page.getByTestId('import-applied')).toContainText('Đã áp dụng: thêm 2');

    await context.setOffline(true);
    await page.getByRole('button', { name: 'Chọn tệp khác' }).click();
    await expect(page.getByTestId('import-offline')).toBeVisible();
    await expect(page.getByTestId('import-upload')).toBeDisabled();
  });
});
