import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import InputText from 'primevue/inputtext';
import ProposalPage from '../../../../src/client/features/plans/ProposalPage.vue';
import { setLocale } from '../../../../src/client/i18n';
import { hanoiDate } from '../../../../src/shared/time';
import { disposeDevice, type Device } from '../settings/harness';
import { makeWorld, plannedSession, plannerDevice, principalOf, requirement, type PlanWorld } from './harness';

const now = Date.parse('2025-10-01T02:00:00Z');
let device: Device;
let world: PlanWorld;
let wrapper: VueWrapper | null = null;

async function until(check: () => void): Promise<void> {
  await vi.waitFor(async () => {
    await flushPromises();
    check();
  }, { timeout: 5000 });
}

describe('plan proposal review', () => {
  beforeEach(async () => {
    setLocale('vi');
    world = makeWorld();
    ({ device } = await plannerDevice(world, principalOf, () => now));
    // One drill per term, scenarios in turn; the first term already has one planned, so only term II is proposed.
    await device.db.entity('requirement').bulkPut([
      requirement(world),
      requirement(world, {
        title: 'Tuyên truyền ATGT trước 31/10',
        activityTypeId: world.traffic.id,
        rotateScenarios: false,
        frequency: { kind: 'byDate', dueDate: '2025-10-31' },
        indicator: 'traffic_commitments',
      }),
    ]);
    await device.db.entity('session').put(plannedSession(world, { revision: 0 }));
  });
  afterEach(async () => {
    wrapper?.unmount();
    wrapper = null;
    await disposeDevice(device);
  });

  it('lists the sessions still needed per requirement and saves only the selected ones, with the edits', async () => {
    await device.router.push('/ke-hoach/de-xuat');
    wrapper = mount(ProposalPage, { global: { plugins: device.plugins as never[] } });
    const w = wrapper;
    await until(() => expect(w.findAll('[data-testid="proposal-row"]').length).toBe(2));
    const groups = w.findAll('[data-testid="proposal-group"]');
    expect(groups.map((g) => g.find('h2').text()).sort()).toEqual([
      'Yêu cầu: Diễn tập PCCC mỗi học kỳ',
      'Yêu cầu: Tuyên truyền ATGT trước 31/10',
    ]);
    const drillRow = w.findAll('[data-testid="proposal-row"]').find((r) => r.text().includes('Học kỳ II'))!;
    const trafficRow = w.findAll('[data-testid="proposal-row"]').find((r) => r.text().includes('31/10/2025'))!;
    // The next scenario in turn after the fire drill already planned.
    expect(drillRow.text()).toContain('Động đất');

    // Deselect the drill, change the traffic session's place.
    await drillRow.find('input[type="checkbox"]').setValue(false);
    const place = (trafficRow.findAllComponents(InputText) as unknown as VueWrapper[]).find((c: VueWrapper) => String(c.attributes('id')).endsWith('-place'))!;
    await place.setValue('Sân trường');
    await flushPromises();
    expect(w.find('[data-testid="proposal-count"]').text()).toBe('Đã chọn 1/2 buổi');

    await w.find('[data-testid="proposal-save"]').trigger('click');
    await until(() => expect(w.find('[data-testid="proposal-saved"]').exists()).toBe(true));
    const entries = await device.db.outbox.toArray();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      name: 'session.create',
      args: { activityTypeId: world.traffic.id, place: 'Sân trường', schoolId: world.school.id, schoolYearId: world.year.id },
    });
    const day = hanoiDate((entries[0]!.args as { startsAt: string }).startsAt);
    expect(day >= '2025-10-01' && day <= '2025-10-31').toBe(true);
    // Saved sessions are no longer needed: the fresh proposal holds only the deselected drill.
    await until(() => expect(w.findAll('[data-testid="proposal-row"]').length).toBe(1));
    expect(w.find('[data-testid="proposal-row"]').text()).toContain('Học kỳ II');
  });
});
