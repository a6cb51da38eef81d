import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { INDICATOR_CODES, type IndicatorCode } from '../../../../src/shared/coverage/types';
import { UnitCoverageResponseSchema, type UnitCoverageResponse } from '../../../../src/shared/coverage/wire';
import UnitCoveragePage from '../../../../src/client/features/coverage/UnitCoveragePage.vue';
import SchoolDrillDownPage from '../../../../src/client/features/coverage/SchoolDrillDownPage.vue';
import { unitCoverageKey } from '../../../../src/client/features/coverage/coverage-api';
import { getMeta } from '../../../../src/client/db/repositories/meta';
import { setLocale } from '../../../../src/client/i18n';
import { disposeDevice, type Device } from '../settings/harness';
import { makeWorld, officerOf, plannerDevice, type PlanWorld } from '../plans/harness';

const now = Date.parse('2025-11-20T02:00:00Z');
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

function indicators(values: Partial<Record<IndicatorCode, [number, number]>>) {
  return INDICATOR_CODES.map((code) => {
    const [n, d] = values[code] ?? [0, 0];
    return { code, numerator: n, denominator: d, percentage: d === 0 ? null : Math.round((n / d) * 1000) / 10 };
  });
}

function answer(): UnitCoverageResponse {
  const school = (name: string, legal: [number, number], lastSyncAt: string | null, overdue: boolean) => ({
    schoolId: randomUUID(),
    name,
    schoolLevel: 'th' as const,
    parentId: world.commune.id,
    clusterId: null,
    indicators: indicators({ staffLegalEducation: legal, trafficCommitments: [legal[0] * 10, legal[1] * 10] }),
    lastSyncAt,
    overdueDrills: overdue
      ? [{ requirementId: randomUUID(), title: 'Diễn tập PCCC', periodKey: 'term-1', periodLabel: 'Học kỳ I', end: '2025-11-15', scenarioCode: null }]
      : [],
  });
  return UnitCoverageResponseSchema.parse({
    unitId: world.commune.id,
    unitName: world.commune.name,
    unitKind: 'commune',
    schoolYear: { id: world.year.id, label: world.year.label },
    period: { schoolYearId: world.year.id, from: world.year.startDate, to: world.year.endDate },
    today: '2025-11-20',
    generatedAt: '2025-11-20T01:55:00.000Z',
    totals: indicators({ staffLegalEducation: [45, 60] }),
    children: [],
    schools: [
      school('Trường Tiểu học Dịch Vọng', [18, 20], '2025-11-20T01:00:00.000Z', false),
      school('Trường Tiểu học Nghĩa Tân', [7, 20], '2025-11-01T01:00:00.000Z', true),
      school('Trường Tiểu học Quan Hoa', [20, 20], null, false),
    ],
  });
}

const names = (w: VueWrapper) => w.findAll('[data-testid="unit-school-row"] th').map((th) => th.text());

describe('an officer’s coverage view of a unit', () => {
  beforeEach(async () => {
    setLocale('vi');
    world = makeWorld();
    ({ device, userId } = await plannerDevice(world, officerOf, () => now));
    device.router.addRoute({ path: '/bao-phu/don-vi/:unitId?', name: 'coverage-unit', component: UnitCoveragePage });
    device.router.addRoute({ path: '/bao-phu/truong/:schoolId', name: 'coverage-school', component: SchoolDrillDownPage });
  });
  afterEach(async () => {
    wrapper?.unmount();
    wrapper = null;
    vi.unstubAllGlobals();
    await disposeDevice(device);
  });

  async function open(): Promise<VueWrapper> {
    await device.router.push(`/bao-phu/don-vi/${world.commune.id}`);
    await device.router.isReady();
    wrapper = mount(UnitCoveragePage, { global: { plugins: device.plugins as never[] }, attachTo: document.body });
    return wrapper;
  }

  it('ranks the schools, sorts, filters overdue drills and devices not synced for N days, and keeps the answer', async () => {
    device.runtime.isOnline = () => true;
    const served = answer();
    const fetch = vi.fn(async () => new Response(JSON.stringify(served), { status: 200, headers: { 'content-type': 'application/json' } }));
    vi.stubGlobal('fetch', fetch);
    const w = await open();
    await until(() => expect(names(w)).toHaveLength(3));
    expect(String((fetch.mock.calls[0] as unknown[])[0])).toBe(`/api/coverage?unitId=${world.commune.id}`);
    // Lowest staff legal-education coverage first: who needs help stands out.
    expect(names(w)).toEqual(['Trường Tiểu học Nghĩa Tân', 'Trường Tiểu học Dịch Vọng', 'Trường Tiểu học Quan Hoa']);
    expect(w.find('[data-testid="unit-totals"]').text()).toContain('75%');
    await w.find('[data-testid="sort-staffLegalEducation"]').trigger('click');
    expect(names(w)).toEqual(['Trường Tiểu học Quan Hoa', 'Trường Tiểu học Dịch Vọng', 'Trường Tiểu học Nghĩa Tân']);
    expect(w.find('th[aria-sort="descending"]').text()).toContain('CBGVNV được tuyên truyền pháp luật');

    await w.find('[data-testid="unit-only-overdue"]').setValue(true);
    expect(names(w)).toEqual(['Trường Tiểu học Nghĩa Tân']);
    expect(w.find('[data-testid="unit-school-row"]').text()).toContain('Diễn tập PCCC — Học kỳ I');
    await w.find('[data-testid="unit-only-overdue"]').setValue(false);
    // Not synced for more than 7 days (19 days ago) or never.
    await w.find('[data-testid="unit-only-stale"]').setValue(true);
    expect(names(w).sort()).toEqual(['Trường Tiểu học Nghĩa Tân', 'Trường Tiểu học Quan Hoa']);
    expect(w.text()).toContain('Chưa đồng bộ');
    await w.find('[data-testid="unit-filter"]').setValue('quan hoa');
    expect(names(w)).toEqual(['Trường Tiểu học Quan Hoa']);
    // The chart is for the eye; the table is the accessible version.
    expect(w.find('[data-testid="coverage-chart"]').attributes('aria-hidden')).toBe('true');
    expect(await getMeta(unitCoverageKey(userId, world.commune.id, 'year'), device.db)).toEqual(served);
  }, 30_000);

  it('shows the last answer offline, saying when it is from', async () => {
    device.runtime.isOnline = () => true;
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(answer()), { status: 200 })));
    let w = await open();
    await until(() => expect(names(w)).toHaveLength(3));
    w.unmount();
    wrapper = null;

    device.runtime.isOnline = () => false;
    const offlineFetch = vi.fn();
    vi.stubGlobal('fetch', offlineFetch);
    w = await open();
    await until(() => expect(names(w)).toHaveLength(3));
    expect(offlineFetch).not.toHaveBeenCalled();
    expect(w.find('[data-testid="unit-problem"]').text()).toMatch(/^Đang xem số liệu đã lưu \(lúc .+\) vì không kết nối được máy chủ\.$/);
  }, 30_000);

  it('says so when offline with nothing saved', async () => {
    const w = await open();
    await until(() => expect(w.find('[data-testid="unit-problem"]').exists()).toBe(true));
    expect(w.find('[data-testid="unit-problem"]').text()).toBe('Không kết nối được máy chủ.');
    expect(names(w)).toEqual([]);
  });
});
