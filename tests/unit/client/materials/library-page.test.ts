import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { defineComponent } from 'vue';
import ToastService from 'primevue/toastservice';
import ConfirmationService from 'primevue/confirmationservice';
import MaterialsLibraryPage from '../../../../src/client/features/materials/MaterialsLibraryPage.vue';
import { setLocale } from '../../../../src/client/i18n';
import { putOfflineMaterial } from '../../../../src/client/db/repositories/offline-materials';
import type { Material } from '../../../../src/shared/domain/records';
import { newId } from '../../../../src/shared/domain/ids';
import { disposeDevice, type Device } from '../settings/harness';
import { makeWorld, plannedSession, plannerDevice, principalOf, type PlanWorld } from '../plans/harness';

let device: Device;
let world: PlanWorld;
let wrapper: VueWrapper | null = null;

async function until(check: () => void): Promise<void> {
  await vi.waitFor(
    async () => {
      await flushPromises();
      check();
    },
    { timeout: 5000 },
  );
}

const material = (title: string, sha: string, over: Partial<Material> = {}): Material => ({
  id: newId(),
  ownerUnitId: world.department.id,
  schoolId: null,
  title,
  description: null,
  activityTypeId: null,
  schoolLevel: 'th',
  schoolYearId: null,
  tags: [],
  mime: 'application/pdf',
  size: 2048,
  sha256: sha.repeat(64),
  uploadedBy: newId(),
  createdAt: '2025-09-01T00:00:00.000Z',
  versionNo: 1,
  status: 'active',
  updatedAt: null,
  ...over,
});

describe('material library page', () => {
  beforeEach(async () => {
    setLocale('vi');
    world = makeWorld();
    ({ device } = await plannerDevice(world, principalOf, () => Date.parse('2025-10-01T02:00:00Z')));
    const Blank = defineComponent({ render: () => null });
    device.router.addRoute({ path: '/tai-lieu', name: 'materials', component: Blank });
    device.router.addRoute({ path: '/tai-lieu/:id', name: 'material-view', component: Blank });
  });
  afterEach(async () => {
    wrapper?.unmount();
    wrapper = null;
    await disposeDevice(device);
  });

  it('marks what is on the device "Có sẵn ngoại tuyến" (old versions apart), shows the space used, and searches without accents', async () => {
    const atgt = material('An toàn giao thông', 'a');
    const pccc = material('Phòng cháy chữa cháy', 'b', { versionNo: 2 });
    const other = material('Kỹ năng sơ cứu', 'c');
    await device.db.entity('material').bulkPut([atgt, pccc, other]);
    const at = '2025-09-30T00:00:00.000Z';
    await putOfflineMaterial({ materialId: atgt.id, sha256: atgt.sha256, size: 2048, mime: atgt.mime, savedAt: at, lastUsedAt: at, pinnedBy: 'session' }, device.db);
    // Held, but version 1: the row now names another file.
    await putOfflineMaterial({ materialId: pccc.id, sha256: 'd'.repeat(64), size: 1024, mime: pccc.mime, savedAt: at, lastUsedAt: at, pinnedBy: 'user' }, device.db);
    await device.db.entity('session').put({ ...plannedSession(world), startsAt: '2025-10-03T01:00:00.000Z', endsAt: '2025-10-03T02:00:00.000Z', materialIds: [other.id] });

    wrapper = mount(MaterialsLibraryPage, {
      global: { plugins: [...(device.plugins as never[]), ToastService, ConfirmationService] as never[], stubs: { teleport: true } },
    });
    const card = (m: Material) => wrapper!.find(`[data-testid="material-${m.id}"]`);
    await until(() => expect(card(atgt).find('[data-testid="material-offline"]').exists()).toBe(true));
    expect(card(atgt).text()).toContain('Thư viện Sở GDĐT Hà Nội');
    expect(card(atgt).find('[data-testid="material-offline"]').text()).toBe('Có sẵn ngoại tuyến');
    expect(card(pccc).find('[data-testid="material-offline"]').exists()).toBe(false);
    expect(card(pccc).find('[data-testid="material-outdated"]').exists()).toBe(true);
    expect(card(other).find('[data-testid="material-save"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="materials-storage"]').text()).toMatch(/^Tài liệu ngoại tuyến đang dùng 3 kB \(2 tài liệu\)$/);
    // The material of the session in two days comes first.
    expect(wrapper.findAll('[data-testid="materials-list"] > li').map((li) => li.text())[0]).toContain(other.title);

    await wrapper.find('[data-testid="materials-search"]').setValue('chua chay');
    await until(() => expect(wrapper!.findAll('[data-testid="materials-list"] > li')).toHaveLength(1));
    expect(card(pccc).exists()).toBe(true);
  });
});
