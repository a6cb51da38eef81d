import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import SettingsPage from '../../../../src/client/features/settings/SettingsPage.vue';
import { getDeviceId } from '../../../../src/client/db/repositories/meta';
import { setLocale } from '../../../../src/client/i18n';
import { APP_VERSION } from '../../../../src/client/pwa/version';
import { makeSchool } from '../sync/harness';
import { disposeDevice, makeAccount, makeDevice, markOnDevice, signInOnDevice, type Device } from './harness';

const MiB = 1024 * 1024;

interface FakeStorage {
  persisted: ReturnType<typeof vi.fn<() => Promise<boolean>>>;
  persist: ReturnType<typeof vi.fn<() => Promise<boolean>>>;
  estimate: ReturnType<typeof vi.fn<() => Promise<StorageEstimate>>>;
}

function installStorage(storage: FakeStorage | undefined): void {
  Object.defineProperty(globalThis.navigator, 'storage', { value: storage, configurable: true });
}

function fakeStorage(options: { persisted: boolean; grant: boolean; usage: number; quota: number }): FakeStorage {
  let persisted = options.persisted;
  return {
    persisted: vi.fn(async () => persisted),
    persist: vi.fn(async () => {
      persisted = options.grant;
      return options.grant;
    }),
    estimate: vi.fn(async () => ({ usage: options.usage, quota: options.quota })),
  };
}

let device: Device;
let wrapper: VueWrapper | null = null;

async function mountPage(): Promise<VueWrapper> {
  wrapper = mount(SettingsPage, { global: { plugins: device.plugins as never[] } });
  await vi.waitFor(async () => {
    await flushPromises();
    expect(wrapper!.find('[data-testid="storage-usage"]').exists()).toBe(true);
  });
  return wrapper;
}

beforeEach(() => {
  setLocale('vi');
  // 10:00 in Hà Nội on 24 Nov 2025; only Date is faked, so IndexedDB's own timers still run.
  vi.useFakeTimers({ now: new Date('2025-11-24T03:00:00Z'), toFake: ['Date'] });
  device = makeDevice();
});

afterEach(async () => {
  wrapper?.unmount();
  wrapper = null;
  await disposeDevice(device);
  vi.useRealTimers();
  installStorage(undefined);
});

describe('SettingsPage: storage', () => {
  it('shows storage that is not persistent, asks for persistence and explains a refusal', async () => {
    const storage = fakeStorage({ persisted: false, grant: false, usage: 12.3 * MiB, quota: 1.5 * 1024 * MiB });
    installStorage(storage);
    const page = await mountPage();
    const card = page.get('[data-testid="settings-storage"]');

    expect(card.get('[data-testid="storage-persisted"]').text()).toContain('Dữ liệu chưa được giữ cố định');
    expect(card.get('[data-testid="storage-usage"]').text()).toBe('Đã dùng 12,3 MB trên 1,5 GB cho phép (1%)');
    const bar = card.get('[role="progressbar"]');
    expect(bar.attributes('aria-valuenow')).toBe('1');
    expect(bar.attributes('aria-label')).toBe('Dung lượng đã dùng');

    await card.get('[data-testid="storage-request-persist"]').trigger('click');
    await flushPromises();
    expect(storage.persist).toHaveBeenCalledTimes(1);
    expect(card.get('[data-testid="storage-persist-answer"]').text()).toContain('Trình duyệt chưa đồng ý');
    expect(card.get('[data-testid="storage-persist-answer"]').text()).toContain('Thêm vào màn hình chính');
  });

  it('reports a granted request and then shows the storage as persistent', async () => {
    installStorage(fakeStorage({ persisted: false, grant: true, usage: 800 * 1024, quota: 10 * 1024 * MiB }));
    const page = await mountPage();
    await page.get('[data-testid="storage-request-persist"]').trigger('click');
    await flushPromises();
    expect(page.get('[data-testid="storage-persist-answer"]').text()).toBe(
      'Trình duyệt đã đồng ý giữ cố định dữ liệu trên máy này.',
    );
    expect(page.get('[data-testid="storage-persisted"]').text()).toContain('Dữ liệu được giữ cố định');
    expect(page.find('[data-testid="storage-request-persist"]').exists()).toBe(false);
    expect(page.get('[data-testid="storage-usage"]').text()).toBe('Đã dùng 800 kB trên 10 GB cho phép (0%)');
  });

  it('warns when the quota is nearly used up', async () => {
    installStorage(fakeStorage({ persisted: true, grant: true, usage: 90 * MiB, quota: 100 * MiB }));
    const page = await mountPage();
    expect(page.get('[data-testid="storage-usage"]').text()).toContain('(90%)');
    expect(page.text()).toContain('Bộ nhớ dành cho Trường An sắp đầy');
  });

  it('shows a quota error from the browser instead of swallowing it', async () => {
    const storage = fakeStorage({ persisted: true, grant: true, usage: 0, quota: 0 });
    storage.estimate.mockRejectedValue(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
    installStorage(storage);
    wrapper = mount(SettingsPage, { global: { plugins: device.plugins as never[] } });
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper!.find('[data-testid="storage-error"]').exists()).toBe(true);
    });
    const error = wrapper.get('[data-testid="storage-error"]');
    expect(error.attributes('role')).toBe('alert');
    expect(error.text()).toBe('Máy đã hết chỗ lưu dữ liệu cho Trường An: The quota has been exceeded.');
  });

  it('says so when the browser has no storage manager', async () => {
    installStorage(undefined);
    const page = await mountPage();
    expect(page.get('[data-testid="storage-persisted"]').text()).toContain('không cho biết dữ liệu có được giữ cố định');
    expect(page.get('[data-testid="storage-usage"]').text()).toBe('Trình duyệt không cho biết dung lượng đã dùng.');
  });
});

describe('SettingsPage: the device', () => {
  it('lists the unsynced work of each account on the device, the oldest change and the refused ones', async () => {
    installStorage(fakeStorage({ persisted: true, grant: true, usage: MiB, quota: 100 * MiB }));
    const school = makeSchool(3);
    await device.db.entity('session').put(school.session);
    await device.db.entity('person').bulkPut(school.people);
    const lan = makeAccount('Nguyễn Thị Lan');
    const minh = makeAccount('Trần Văn Minh', { token: null, expiresAt: null });
    await device.db.accounts.put(minh);
    await signInOnDevice(device, lan);
    const mark = (i: number, status: 'present' | 'absent') => ({
      sessionId: school.session.id,
      personId: school.people[i]!.id,
      status,
    });
    // 08:05 and 09:30 in Hà Nội for Lan; Minh's change was refused by the server.
    await markOnDevice(device, lan.userId, mark(0, 'present'), { at: Date.parse('2025-11-24T01:05:00Z') });
    await markOnDevice(device, lan.userId, mark(1, 'absent'), { at: Date.parse('2025-11-24T02:30:00Z') });
    await markOnDevice(device, minh.userId, mark(2, 'present'), {
      at: Date.parse('2025-11-23T09:00:00Z'),
      rejectedWith: 'Ngoài phạm vi của bạn',
    });

    const page = await mountPage();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(page.findAll('[data-testid="work-row"]')).toHaveLength(2);
    });
    const rows = page.findAll('[data-testid="work-row"]').map((r) => r.findAll('th, td').map((c) => c.text()));
    expect(rows[0]).toEqual(['Nguyễn Thị Lan (đang dùng)', '2', '0', '08:05']);
    expect(rows[1]).toEqual(['Trần Văn Minh (đã đăng xuất: thay đổi được gửi khi đăng nhập lại)', '0', '1', '—']);

    const link = page.get('[data-testid="work-attention-link"]');
    expect(link.text()).toBe('Xem 1 thay đổi cần xử lý');
    expect(link.attributes('href')).toBe('/can-xu-ly');
  });

  it('says when nothing is waiting, and shows the version, the device id and the last sync', async () => {
    installStorage(fakeStorage({ persisted: true, grant: true, usage: MiB, quota: 100 * MiB }));
    await signInOnDevice(device, makeAccount('Nguyễn Thị Lan'));
    const page = await mountPage();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(page.find('[data-testid="work-none"]').exists()).toBe(true);
    });
    expect(page.get('[data-testid="work-none"]').text()).toBe('Mọi thay đổi trên máy đã được gửi lên máy chủ.');
    expect(page.get('[data-testid="settings-version"]').text()).toBe(APP_VERSION);
    expect(APP_VERSION).toMatch(/^\d+\.\d+\.\d+/);
    await vi.waitFor(async () => {
      await flushPromises();
      expect(page.get('[data-testid="settings-device-id"]').text()).toBe(await getDeviceId(device.db));
    });
    expect(page.get('[data-testid="settings-last-sync"]').text()).toBe('Máy này chưa đồng bộ lần nào.');
    // Offline, "sync now" cannot do anything, and says why.
    expect(page.get('[data-testid="settings-sync-now"]').attributes('disabled')).toBeDefined();
    expect(page.text()).toContain('Đang ngoại tuyến: máy sẽ tự đồng bộ khi có mạng.');
  });

  it('switches the interface language', async () => {
    installStorage(fakeStorage({ persisted: true, grant: true, usage: MiB, quota: 100 * MiB }));
    await signInOnDevice(device, makeAccount('Nguyễn Thị Lan'));
    const page = await mountPage();
    await page.get('input[name="settings-language"][value="en"]').setValue(true);
    expect(page.get('h1').text()).toBe('Settings');
    expect(page.get('[data-testid="storage-usage"]').text()).toBe('1 MB used of 100 MB allowed (1%)');
    await page.get('input[name="settings-language"][value="vi"]').setValue(true);
    expect(page.get('h1').text()).toBe('Cài đặt');
  });
});
