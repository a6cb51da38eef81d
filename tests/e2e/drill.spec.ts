import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { PullResponseSchema } from '../../src/shared/sync/wire';
import { DB_NAME } from '../../src/client/db/schema';
import { apiSignIn, DEMO_PRINCIPAL, deviceOutbox, launchTabletProfile, pullScope, signIn, waitForServiceWorkerControl, waitForSync } from './helpers';

/** Rows of one entity the user pulls, every version in order (a row sent twice would show as two). */
async function pullEntity(baseURL: string, token: string, entity: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  for (;;) {
    const url = new URL('/api/sync/pull', baseURL);
    url.searchParams.set('limit', '5000');
    if (cursor) url.searchParams.set('cursor', cursor);
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const page = PullResponseSchema.parse(await response.json());
    for (const change of page.changes) if (change.entity === entity && change.op === 'put') rows.push(change.row);
    cursor = page.cursor;
    if (!page.hasMore) return rows;
  }
}

/** The device's file queue (hash, state, size), read with plain IndexedDB. */
function deviceFiles(page: Page): Promise<{ sha256: string; state: string; size: number; mime: string }[]> {
  return page.evaluate(
    (name) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db.transaction('files', 'readonly').objectStore('files').getAll();
          req.onsuccess = () => {
            db.close();
            resolve(
              (req.result as { sha256: string; state: string; size: number; mime: string }[]).map((f) => ({
                sha256: f.sha256,
                state: f.state,
                size: f.size,
                mime: f.mime,
              })),
            );
          };
          req.onerror = () => reject(req.error);
        };
      }),
    DB_NAME,
  );
}

/** A large camera-like picture drawn in the page (3000×2000 PNG), so that the device has something to compress. */
async function cameraPicture(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 3000;
    canvas.height = 2000;
    const g = canvas.getContext('2d')!;
    const gradient = g.createLinearGradient(0, 0, 3000, 2000);
    gradient.addColorStop(0, '#c0392b');
    gradient.addColorStop(1, '#2980b9');
    g.fillStyle = gradient;
    g.fillRect(0, 0, 3000, 2000);
    g.fillStyle = '#fff';
    g.font = '200px sans-serif';
    g.fillText('Điểm tập kết', 400, 1000);
    const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  });
  return Buffer.from(base64, 'base64');
}

/** Width and height from a JPEG's start-of-frame marker. */
function jpegSize(bytes: Buffer): { width: number; height: number } | null {
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1]!;
    const length = bytes.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc3) return { height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7) };
    i += 2 + length;
  }
  return null;
}

function filesNamed(dir: string, name: string): string[] {
  const out: string[] = [];
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesNamed(full, name));
    else if (entry.name === name) out.push(full);
  }
  return out;
}

test.describe('drill mode offline', () => {
  test.skip(({ isMobile }) => isMobile, 'the whole-drill flow runs once, on the tablet');

  test('a whole drill offline, with a reload in the middle, reaches the server once with its photo', async ({ baseURL }, testInfo) => {
    test.setTimeout(240_000);
    const server = baseURL!;
    const api = await apiSignIn(server, DEMO_PRINCIPAL);
    const schoolId = api.user.grants.find((g) => g.role === 'principal')!.unitId;
    const scope = await pullScope(server, api.token);
    const drill = scope.sessions
      .filter((s) => s.schoolId === schoolId && s.status === 'planned' && s.title.startsWith('Diễn tập') && s.endsAt >= new Date().toISOString())
      .sort((a, b) => a.startsAt.localeCompare(b.startsAt))[0];
    expect(drill, 'the demo school has an upcoming drill').toBeDefined();
    const sessionId = drill!.id;
    expect((await pullEntity(server, api.token, 'drillRecord')).filter((r) => r.sessionId === sessionId)).toEqual([]);

    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'truongan-e2e-drill-'));
    let tablet = await launchTabletProfile(profile, server);
    try {
      // Online once: sign in, the service worker takes over, the school's data is pulled.
      await tablet.page.goto('/dang-nhap');
      const { user } = await signIn(tablet.page, DEMO_PRINCIPAL);
      await waitForServiceWorkerControl(tablet.page);
      await waitForSync(tablet.page, user.id);
      const picture = await cameraPicture(tablet.page);

      // No network for the whole drill.
      await tablet.context.setOffline(true);
      let page = tablet.page;
      await page.goto(`/buoi/${sessionId}/diem-danh`);
      await page.getByTestId('open-drill').click();
      await expect(page).toHaveURL(new RegExp(`/buoi/${sessionId}/dien-tap`));
      await expect(page.getByRole('heading', { level: 1, name: drill!.title })).toBeVisible();
      await expect(page.getByTestId('drill-timer')).toHaveText('00:00');
      // The scenario comes from the session (the fire plan's next one in turn).
      await expect(page.getByTestId('drill-scenario-select')).not.toHaveValue('');
      await page.getByTestId('drill-start').click();
      await expect(page.getByTestId('drill-alarm-at')).toBeVisible();
      await expect(page.getByTestId('drill-pending')).toBeVisible();

      // Class 1: one pupil missing, named.
      const cards = page.getByTestId('drill-class');
      const first = cards.nth(0);
      const firstClass = (await first.getAttribute('data-class-id'))!;
      const size1 = Number(await first.getByTestId('drill-presentCount').textContent());
      expect(size1).toBeGreaterThan(5);
      await first.locator('[data-field="missingCount"]').getByRole('button', { name: /^Thêm 1/ }).click();
      await first.getByRole('button', { name: /Ai chưa có mặt/ }).click();
      const missingPupil = first.getByTestId('drill-pupil').nth(2);
      const missingName = (await missingPupil.textContent())!.trim();
      await missingPupil.click();
      await expect(first.getByTestId('drill-presentCount')).toHaveText(String(size1 - 1));
      await expect(first.getByTestId('drill-missingCount')).toHaveText('1');
      await first.getByTestId('drill-report').click();
      await expect(first.getByTestId('drill-class-pending')).toBeVisible();
      await expect(page.getByTestId('drill-missing')).toContainText(missingName);

      // A reload in the middle of the drill (offline): the timer resumes from the stored alarm, nothing is lost.
      await page.waitForTimeout(2_000);
      const reload = await page.reload();
      expect(reload?.fromServiceWorker()).toBe(true);
      page = tablet.page;
      await expect(page.getByTestId('drill-alarm-at')).toBeVisible();
      await expect(page.getByTestId('drill-timer')).not.toHaveText('00:00');
      await expect(page.getByTestId('drill-missing')).toContainText(missingName);
      await expect(page.getByTestId('drill-total-missing')).toHaveText('1');

      // Class 2: two absent today, the rest present.
      const second = page.getByTestId('drill-class').nth(1);
      const secondClass = (await second.getAttribute('data-class-id'))!;
      const size2 = Number(await second.getByTestId('drill-presentCount').textContent());
      const absent = second.locator('[data-field="absentCount"]').getByRole('button', { name: /^Thêm 1/ });
      await absent.click();
      await absent.click();
      await second.getByTestId('drill-report').click();
      await expect(second.getByTestId('drill-class-pending')).toBeVisible();
      await expect(page.getByTestId('drill-total-present')).toHaveText(String(size1 - 1 + size2 - 2));

      // An evidence photo from the camera input: compressed on the device, queued, shown from local bytes.
      await page.getByTestId('drill-camera').setInputFiles({ name: 'IMG_0001.png', mimeType: 'image/png', buffer: picture });
      await expect(page.getByTestId('drill-photo-count')).toHaveText('1 ảnh');
      await expect(page.getByTestId('drill-photo').locator('img')).toBeVisible();
      const queued = await deviceFiles(page);
      expect(queued).toHaveLength(1);
      expect(queued[0]).toMatchObject({ state: 'pending', mime: 'image/jpeg' });
      const photoHash = queued[0]!.sha256;
      await expect(page.getByTestId('drill-photo')).toHaveAttribute('data-sha256', photoHash);

      // Observations, then the missing pupil is found.
      await page.getByTestId('drill-obs-exit_blocked').check();
      await page.getByTestId('drill-obs-slow_start').check();
      await page.getByTestId('drill-notes').fill('Cầu thang B bị chắn bởi bàn ghế cũ');
      await page.getByTestId('drill-observe').click();
      await page.getByTestId('drill-found').click();
      await expect(page.getByTestId('drill-missing')).toHaveCount(0);
      await expect(page.getByTestId('drill-total-missing')).toHaveText('0');

      // All clear, after a confirmation.
      await page.getByTestId('drill-all-clear').click();
      await page.getByTestId('drill-all-clear-confirm').click();
      await expect(page.getByTestId('drill-summary')).toBeVisible();
      const evacuation = (await page.getByTestId('drill-evacuation').textContent())!.trim();
      expect(evacuation).toMatch(/^\d\d:\d\d$/);
      await page.screenshot({ path: testInfo.outputPath('drill-summary.png'), fullPage: true });

      const outbox = await deviceOutbox(page);
      expect(outbox.map((e) => e.name)).toEqual([
        'drill.start',
        'drill.headcount',
        'drill.headcount',
        'drill.observe',
        'drill.observe',
        'drill.headcount',
        'drill.allClear',
      ]);
      expect(outbox.every((e) => e.state === 'pending')).toBe(true);

      // Closed and reopened offline: still all there.
      await tablet.context.close();
      tablet = await launchTabletProfile(profile, server);
      await tablet.context.setOffline(true);
      page = tablet.page;
      await page.goto(`/buoi/${sessionId}/dien-tap`);
      await expect(page.getByTestId('drill-summary')).toBeVisible();
      await expect(page.getByTestId('drill-evacuation')).toHaveText(evacuation);
      expect(await deviceOutbox(page)).toHaveLength(outbox.length);

      // The network returns: the outbox is pushed, then the photo uploads.
      await tablet.context.setOffline(false);
      await expect.poll(async () => (await deviceOutbox(page)).length, { timeout: 60_000 }).toBe(0);
      await expect.poll(async () => (await deviceFiles(page)).map((f) => f.state), { timeout: 60_000 }).toEqual(['uploaded']);
      await expect(page.getByTestId('drill-pending')).toHaveCount(0);

      // The server has every fact once.
      const records = (await pullEntity(server, api.token, 'drillRecord')).filter((r) => r.sessionId === sessionId);
      const latest = new Map(records.map((r) => [r.id, r]));
      expect(latest.size, 'one drill record').toBe(1);
      const record = [...latest.values()][0]!;
      expect(record).toMatchObject({
        schoolId,
        scenarioCode: expect.any(String),
        missingCount: 0,
        observations: ['exit_blocked', 'slow_start'],
        notes: 'Cầu thang B bị chắn bởi bàn ghế cũ',
        photoHashes: [photoHash],
        accountedCount: size1 + size2 - 2,
        expectedCount: size1 + size2 - 2,
      });
      const seconds = record.evacuationSeconds as number;
      expect(seconds).toBe(Math.round((Date.parse(record.allClearAt as string) - Date.parse(record.alarmAt as string)) / 1000));
      expect(evacuation).toBe(`${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`);
      const headcounts = (await pullEntity(server, api.token, 'drillHeadcount')).filter((r) => r.sessionId === sessionId);
      const byClass = new Map(headcounts.map((h) => [h.classId, h]));
      expect([...byClass.keys()].sort()).toEqual([firstClass, secondClass].sort());
      expect(new Set(headcounts.map((h) => h.id)).size, 'one row per class').toBe(2);
      expect(byClass.get(firstClass)).toMatchObject({ presentCount: size1, missingCount: 0, missingPersonIds: [], reportedBy: user.id });
      expect(byClass.get(secondClass)).toMatchObject({ presentCount: size2 - 2, absentCount: 2, missingCount: 0 });

      // The photo: the device's bytes, stored once, readable by the school.
      const photo = await fetch(new URL(`/api/files/${photoHash}`, server), { headers: { authorization: `Bearer ${api.token}` } });
      expect(photo.status).toBe(200);
      const bytes = Buffer.from(await photo.arrayBuffer());
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(photoHash);
      // Compressed on the device: a JPEG whose long side is 1600 px (the camera's picture was 3000×2000).
      expect(bytes.subarray(0, 3).toString('hex')).toBe('ffd8ff');
      expect(jpegSize(bytes)).toEqual({ width: 1600, height: 1067 });
      const dataDir = process.env.TRUONGAN_E2E_DATA_DIR;
      if (dataDir) expect(filesNamed(path.join(dataDir, 'files'), photoHash)).toHaveLength(1);
      await tablet.context.close();
    } finally {
      await tablet.context.close().catch(() => undefined);
      fs.rmSync(profile, { recursive: true, force: true });
    }
  });
});
