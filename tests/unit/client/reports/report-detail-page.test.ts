import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import ReportDetailPage from '../../../../src/client/features/reports/ReportDetailPage.vue';
import ReportPrintPage from '../../../../src/client/features/reports/ReportPrintPage.vue';
import ReportsPage from '../../../../src/client/features/reports/ReportsPage.vue';
import { ReportSchema, type Report } from '../../../../src/shared/reports/wire';
import { setLocale } from '../../../../src/client/i18n';
import { disposeDevice, type Device } from '../settings/harness';
import { makeWorld, officerOf, plannerDevice, principalOf, type PlanWorld } from '../plans/harness';

const now = Date.parse('2026-01-10T02:00:00Z');
let device: Device;
let world: PlanWorld;
let userId: string;
let wrapper: VueWrapper | null = null;

async function until(check: () => void): Promise<void> {
  await vi.waitFor(
    async () => {
      await flushPromises();
      check();
    },
    { timeout: 8000 },
  );
}

function reportOf(changes: Partial<Report> = {}): Report {
  return ReportSchema.parse({
    id: '0199a000-0000-7000-8000-000000000010',
    unitId: world.school.id,
    schoolYearId: world.year.id,
    kind: 'term1',
    status: 'draft',
    notableResults: '',
    figures: {
      unitName: world.school.name,
      unitKind: 'school',
      schoolYearLabel: '2025-2026',
      from: '2025-09-05',
      to: '2026-01-17',
      generatedAt: '2026-01-10T01:00:00.000Z',
      indicators: [],
      schools: [],
      drills: [],
      sessions: [],
      sessionsHeld: 0,
      peopleReached: { staff: 0, students: 0, parents: 0 },
    },
    createdBy: userId,
    createdByName: 'Hiệu trưởng Dịch Vọng',
    createdAt: '2026-01-10T01:00:00.000Z',
    updatedAt: '2026-01-10T01:00:00.000Z',
    submittedBy: null,
    submittedByName: null,
    submittedAt: null,
    acknowledgedBy: null,
    acknowledgedByName: null,
    acknowledgedAt: null,
    ...changes,
  });
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

async function setUp(grants: typeof principalOf): Promise<void> {
  setLocale('vi');
  world = makeWorld();
  ({ device, userId } = await plannerDevice(world, grants, () => now));
  device.runtime.isOnline = () => true;
  device.router.addRoute({ path: '/bao-cao', name: 'reports', component: ReportsPage });
  device.router.addRoute({ path: '/bao-cao/:id', name: 'report', component: ReportDetailPage });
  device.router.addRoute({ path: '/bao-cao/:id/in', name: 'report-print', component: ReportPrintPage });
}

async function open(path: string, component: typeof ReportDetailPage): Promise<VueWrapper> {
  await device.router.push(path);
  await device.router.isReady();
  wrapper = mount(component, { global: { plugins: device.plugins as never[] }, attachTo: document.body });
  return wrapper;
}

describe('a report’s page', () => {
  afterEach(async () => {
    wrapper?.unmount();
    wrapper = null;
    vi.unstubAllGlobals();
    await disposeDevice(device);
  });

  describe('as the school’s principal', () => {
    beforeEach(() => setUp(principalOf));

    it('saves the notable results and submits the report, showing who sent it', async () => {
      const calls: Array<{ method: string; url: string; body: unknown }> = [];
      let current = reportOf();
      vi.stubGlobal(
        'fetch',
        vi.fn(async (url: string, init?: RequestInit) => {
          const method = init?.method ?? 'GET';
          const body = init?.body ? (JSON.parse(String(init.body)) as unknown) : undefined;
          calls.push({ method, url, body });
          expect((init?.headers as Record<string, string>).authorization).toMatch(/^Bearer token-/);
          if (method === 'PUT') current = reportOf({ notableResults: (body as { notableResults: string }).notableResults });
          if (url.endsWith('/submit')) {
            current = reportOf({ ...current, status: 'submitted', submittedBy: userId, submittedByName: 'Hiệu trưởng Dịch Vọng', submittedAt: '2026-01-10T02:00:00.000Z' });
          }
          return json(current);
        }),
      );
      vi.stubGlobal('confirm', () => true);
      const w = await open(`/bao-cao/${current.id}`, ReportDetailPage);
      await until(() => expect(w.find('[data-testid="report-submit"]').exists()).toBe(true));
      expect(w.find('[data-testid="report-print-title"]').text()).toBe('Báo cáo sơ kết học kỳ I');
      await w.find('textarea').setValue('Đề nghị khen thưởng lớp 5A1');
      await w.find('[data-testid="report-submit"]').trigger('click');
      await until(() => expect(w.find('[data-testid="report-submit"]').exists()).toBe(false));
      expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
        `GET /api/reports/${current.id}`,
        `PUT /api/reports/${current.id}`,
        `POST /api/reports/${current.id}/submit`,
      ]);
      expect(calls[1]!.body).toEqual({ unitId: world.school.id, schoolYearId: world.year.id, kind: 'term1', notableResults: 'Đề nghị khen thưởng lớp 5A1' });
      expect(w.text()).toContain('Đã gửi báo cáo.');
      expect(w.find('[data-testid="report-notable"]').text()).toBe('Đề nghị khen thưởng lớp 5A1');
      expect(w.text()).toContain('Người gửi: Hiệu trưởng Dịch Vọng');
      expect(w.find('textarea').exists()).toBe(false);
    });

    it('explains that reports need a connection', async () => {
      device.runtime.isOnline = () => false;
      const w = await open('/bao-cao/0199a000-0000-7000-8000-000000000010', ReportDetailPage);
      await until(() => expect(w.find('[role="alert"]').exists()).toBe(true));
      expect(w.find('[role="alert"]').text()).toBe('Báo cáo cần có mạng. Hãy thử lại khi có kết nối.');
    });
  });

  describe('as the ward officer above the school', () => {
    beforeEach(() => setUp(officerOf));

    it('acknowledges a submitted report, and lists the reports of the ward', async () => {
      const submitted = reportOf({ status: 'submitted', submittedBy: userId, submittedByName: 'HT', submittedAt: '2026-01-10T01:30:00.000Z' });
      const fetch = vi.fn(async (url: string, init?: RequestInit) => {
        if (url.endsWith('/acknowledge') && init?.method === 'POST') {
          return json({ ...submitted, status: 'acknowledged', acknowledgedBy: userId, acknowledgedByName: 'Cán bộ phường', acknowledgedAt: '2026-01-10T02:00:00.000Z' });
        }
        if (url.startsWith('/api/reports?')) {
          const { figures: _f, notableResults: _n, ...summary } = submitted;
          return json({ reports: [{ ...summary, unitName: world.school.name }] });
        }
        return json(submitted);
      });
      vi.stubGlobal('fetch', fetch);
      const w = await open(`/bao-cao/${submitted.id}`, ReportDetailPage);
      await until(() => expect(w.find('[data-testid="report-acknowledge"]').exists()).toBe(true));
      expect(w.find('[data-testid="report-submit"]').exists()).toBe(false);
      await w.find('[data-testid="report-acknowledge"]').trigger('click');
      await until(() => expect(w.text()).toContain('Cấp trên tiếp nhận: Cán bộ phường'));
      expect(w.find('[data-testid="report-acknowledge"]').exists()).toBe(false);
      w.unmount();
      wrapper = null;

      const list = await open('/bao-cao', ReportsPage);
      await until(() => expect(list.find('[data-testid="report-list"]').exists()).toBe(true));
      expect(String(fetch.mock.calls.at(-1)![0])).toMatch(new RegExp(`^/api/reports\\?unitId=${world.commune.id}&schoolYearId=`));
      expect(list.find('[data-testid="report-list"] tbody').text()).toContain('Đã gửi');
    });
  });
});
