import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { newId } from '../../src/shared/domain/ids';
import { PullResponseSchema, SCHEMA_VERSION } from '../../src/shared/sync/wire';
import { apiSignIn, DEMO_PRINCIPAL, DEMO_TEACHER, signIn, waitForServiceWorkerControl, waitForSync } from './helpers';

/**
 * Materials offline (issue #6): a principal publishes a PDF and a short video to the school's library and attaches
 * them to an upcoming session; a teacher's device fetches them in the background after a sync, marks them "Có sẵn
 * ngoại tuyến", and with the network off opens the PDF in the app and seeks in the video (range requests answered by
 * the service worker from the cache).
 */

/** A valid one-page PDF with a line of text, its cross-reference table computed so that pdf.js needs no repair. */
function makePdf(text: string): Buffer {
  // A black bar as well as the text: the bar draws without any font, so "something was drawn" does not depend on the
  // fonts installed on the machine.
  const content = `0 0 0 rg 20 40 260 30 re f BT /F1 18 Tf 20 100 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** The upload protocol of the file store (POST then PATCH /api/files/uploads), as the upload form uses it. */
async function upload(server: string, token: string, bytes: Buffer, mime: string, name: string): Promise<string> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const auth = { authorization: `Bearer ${token}` };
  const start = await fetch(new URL('/api/files/uploads', server), {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ sha256, size: bytes.length, mime, name, purpose: 'material' }),
  });
  expect([200, 201], await start.clone().text()).toContain(start.status);
  const started = (await start.json()) as { uploadId?: string; complete?: boolean };
  if (started.complete) return sha256;
  const chunk = await fetch(new URL(`/api/files/uploads/${started.uploadId}`, server), {
    method: 'PATCH',
    headers: { ...auth, 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' },
    body: new Uint8Array(bytes),
  });
  expect(chunk.status, await chunk.clone().text()).toBe(200);
  expect(await chunk.json()).toMatchObject({ complete: true, sha256 });
  return sha256;
}

async function api<T>(server: string, token: string, method: string, url: string, body: unknown): Promise<T> {
  const res = await fetch(new URL(url, server), {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return (await res.json()) as T;
}

interface SessionRow {
  id: string;
  schoolId: string | null;
  scopeUnitId: string;
  schoolYearId: string;
  activityTypeId: string;
  startsAt: string;
  endsAt: string;
  status: string;
  audience: unknown;
}

test.describe('materials offline', () => {
  test.skip(({ isMobile }) => isMobile, 'runs once, on the tablet');

  test('a material of an upcoming session opens with the network off, and a video seeks offline', async ({ page, context, baseURL }) => {
    test.setTimeout(180_000);
    const server = baseURL!;
    const principal = await apiSignIn(server, DEMO_PRINCIPAL);
    const schoolId = principal.user.grants.find((g) => g.role === 'principal')!.unitId;

    const pdfSha = await upload(server, principal.token, makePdf('An toan giao thong'), 'application/pdf', 'atgt.pdf');
    const video = fs.readFileSync(path.join(import.meta.dirname, '../fixtures/materials/tiny.mp4'));
    const videoSha = await upload(server, principal.token, video, 'video/mp4', 'video.mp4');
    const pdf = await api<{ id: string; title: string }>(server, principal.token, 'POST', '/api/materials', {
      sha256: pdfSha,
      title: 'Tài liệu an toàn giao thông',
      ownerUnitId: schoolId,
      schoolId,
    });
    const clip = await api<{ id: string; title: string; mime: string }>(server, principal.token, 'POST', '/api/materials', {
      sha256: videoSha,
      title: 'Video hướng dẫn thoát hiểm',
      ownerUnitId: schoolId,
      schoolId,
    });
    expect(clip.mime).toBe('video/mp4');

    // An upcoming session at the school with both materials, planned like any other (session.create).
    const pulled = PullResponseSchema.parse(
      await (await fetch(new URL('/api/sync/pull?limit=5000', server), { headers: { authorization: `Bearer ${principal.token}` } })).json(),
    );
    const now = new Date().toISOString();
    const base = pulled.changes
      .filter((c) => c.entity === 'session' && c.op === 'put')
      .map((c) => c.row as unknown as SessionRow)
      .filter((s) => s.schoolId === schoolId && s.status === 'planned' && s.startsAt > now)
      .sort((a, b) => a.startsAt.localeCompare(b.startsAt))[0];
    expect(base, 'the demo school has an upcoming session').toBeDefined();
    const pushed = await api<{ results: { status: string; error?: string }[] }>(server, principal.token, 'POST', '/api/sync/push', {
      clientId: `e2e-materials-${newId()}`,
      schemaVersion: SCHEMA_VERSION,
      mutations: [
        {
          id: newId(),
          name: 'session.create',
          clientTime: now,
          args: {
            id: newId(),
            schoolId,
            scopeUnitId: base!.scopeUnitId,
            schoolYearId: base!.schoolYearId,
            seriesId: null,
            title: 'Tuyên truyền ATGT có tài liệu',
            activityTypeId: base!.activityTypeId,
            scenarioCode: null,
            startsAt: base!.startsAt,
            endsAt: base!.endsAt,
            place: null,
            audience: base!.audience,
            facilitatorPersonId: null,
            trainerUserId: null,
            materialIds: [pdf.id, clip.id],
            periods: null,
          },
        },
      ],
    });
    expect(pushed.results).toMatchObject([{ status: 'applied' }]);

    // The teacher's device: online once, the pull brings the session and the materials, the prefetch caches them.
    await page.goto('/dang-nhap');
    const { user } = await signIn(page, DEMO_TEACHER);
    await waitForServiceWorkerControl(page);
    await waitForSync(page, user.id);
    await page.getByRole('link', { name: 'Tài liệu' }).first().click();
    await expect(page.getByRole('heading', { level: 1, name: 'Thư viện tài liệu' })).toBeVisible();
    for (const m of [pdf, clip]) {
      await expect(page.getByTestId(`material-${m.id}`).getByTestId('material-offline')).toHaveText('Có sẵn ngoại tuyến', {
        timeout: 30_000,
      });
    }
    await expect(page.getByTestId('materials-storage')).toContainText('2 tài liệu');

    // No network from here.
    await context.setOffline(true);
    const reload = await page.reload();
    expect(reload?.fromServiceWorker()).toBe(true);
    await expect(page.getByTestId(`material-${pdf.id}`).getByTestId('material-offline')).toBeVisible();

    await page.getByTestId(`material-${pdf.id}`).getByTestId('material-open').click();
    await expect(page.getByRole('heading', { level: 1, name: pdf.title })).toBeVisible();
    const canvas = page.getByTestId('pdf-canvas');
    await expect(canvas).toHaveAttribute('data-rendered-page', '1', { timeout: 20_000 });
    // Something was drawn: the canvas is not blank.
    const inked = await canvas.evaluate((c: HTMLCanvasElement) => {
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let dark = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i]! < 128 && data[i + 3]! > 0) dark += 1;
      return { width: c.width, dark };
    });
    expect(inked.width).toBeGreaterThan(100);
    expect(inked.dark).toBeGreaterThan(20);
    await expect(page.getByTestId('viewer-problem')).toHaveCount(0);

    await page.goto(`/tai-lieu/${clip.id}`);
    await expect(page.getByRole('heading', { level: 1, name: clip.title })).toBeVisible();
    const player = page.getByTestId('viewer-video');
    await expect(player).toHaveAttribute('src', `/api/files/${videoSha}`);
    const seek = await player.evaluate(async (v: HTMLVideoElement) => {
      if (v.readyState < 1) await new Promise((resolve, reject) => {
        v.addEventListener('loadedmetadata', resolve, { once: true });
        v.addEventListener('error', () => reject(new Error(`media error ${v.error?.code}`)), { once: true });
      });
      const seeked = new Promise((resolve, reject) => {
        v.addEventListener('seeked', resolve, { once: true });
        v.addEventListener('error', () => reject(new Error(`media error ${v.error?.code}`)), { once: true });
      });
      v.currentTime = 2.5;
      await seeked;
      if (v.readyState < 2) await new Promise((resolve) => v.addEventListener('canplay', resolve, { once: true }));
      return { duration: v.duration, currentTime: v.currentTime, readyState: v.readyState, error: v.error?.code ?? null };
    });
    expect(seek.error).toBeNull();
    expect(seek.duration).toBeCloseTo(4, 0);
    expect(seek.currentTime).toBeCloseTo(2.5, 1);
    expect(seek.readyState).toBeGreaterThanOrEqual(2);
  });
});
