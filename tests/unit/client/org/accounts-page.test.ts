import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createMemoryHistory, createRouter } from 'vue-router';
import { defineComponent } from 'vue';
import AccountsPage from '../../../../src/client/features/org/AccountsPage.vue';
import { appPlugins } from '../helpers/mount';
import { configureTestRuntime } from '../helpers/runtime';
import { disposeDevice, makeAccount, makeDevice, signInOnDevice, type Device } from '../settings/harness';

const Blank = defineComponent({ render: () => null });
let device: Device;
let wrapper: VueWrapper | null = null;
const schoolId = randomUUID();
const staffId = randomUUID();
const calls: { method: string; url: string; body: unknown }[] = [];

async function until(check: () => void | Promise<void>): Promise<void> {
  await vi.waitFor(
    async () => {
      await flushPromises();
      await check();
    },
    { timeout: 5000 },
  );
}

const answer = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

beforeEach(async () => {
  device = makeDevice();
  // Online: accounts are made by the server.
  device.runtime = configureTestRuntime({ db: device.db, isOnline: () => true });
  device.router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'home', component: Blank },
      { path: '/quan-tri/tai-khoan', name: 'admin-accounts', component: AccountsPage },
      { path: '/quan-tri/yeu-cau', name: 'admin-requirements', component: Blank },
      { path: '/quan-tri/loai-hoat-dong', name: 'admin-activity-types', component: Blank },
      { path: '/quan-tri/don-vi', name: 'admin-units', component: Blank },
    ],
  });
  device.plugins = appPlugins(device.pinia, device.router);
  const principal = makeAccount('Thầy Hiệu trưởng');
  principal.user.grants = [{ role: 'principal', unitId: schoolId, unitName: 'Trường Tiểu học Dịch Vọng' }];
  await signInOnDevice(device, principal);
  let created = false;
  calls.length = 0;
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    calls.push({ method: init.method ?? 'GET', url, body: init.body ? JSON.parse(String(init.body)) : undefined });
    expect((init.headers as Record<string, string>).authorization).toBe(`Bearer ${principal.token}`);
    if (url === '/api/org/units') {
      return answer({ units: [{ id: schoolId, kind: 'school', name: 'Trường Tiểu học Dịch Vọng', code: null, parentId: null, clusterId: null, schoolLevel: 'th', status: 'active' }] });
    }
    if (url === `/api/schools/${schoolId}/accounts`) {
      return answer({
        accounts: created ? [{ id: 'u1', username: 'nguyenvanbinh.dichvong', displayName: 'Nguyễn Văn Bình', personId: staffId, active: true, mustChangePassword: true, grants: [{ role: 'teacher', unitId: schoolId }] }] : [],
        staffWithoutAccount: created ? [] : [{ personId: staffId, fullName: 'Nguyễn Văn Bình' }],
      });
    }
    if (url === `/api/schools/${schoolId}/accounts/bulk`) {
      created = true;
      return answer({ created: [{ userId: 'u1', personId: staffId, fullName: 'Nguyễn Văn Bình', username: 'nguyenvanbinh.dichvong', initialPassword: 'Abc23456789x' }], skipped: [] }, 201);
    }
    return answer({ message: 'not found' }, 404);
  });
});

afterEach(async () => {
  vi.unstubAllGlobals();
  wrapper?.unmount();
  wrapper = null;
  document.body.innerHTML = '';
  await disposeDevice(device);
});

describe('accounts page', () => {
  it('makes accounts for the chosen staff and shows their initial passwords once, on a sheet to print', async () => {
    await device.router.push({ name: 'admin-accounts' });
    await device.router.isReady();
    wrapper = mount(AccountsPage, { global: { plugins: device.plugins as never[] }, attachTo: document.body });
    await until(() => expect(wrapper!.text()).toContain('Nguyễn Văn Bình'));
    const create = () => wrapper!.findAll('button').find((b) => b.text().startsWith('Tạo '))!;
    expect(create().attributes('disabled')).toBeDefined();
    await wrapper.find('input[type="checkbox"][value]').setValue(true);
    await until(() => expect(create().text()).toBe('Tạo 1 tài khoản'));
    await create().trigger('click');

    await until(() => expect(wrapper!.find('[data-initial-password]').exists()).toBe(true));
    expect(calls.find((c) => c.method === 'POST')).toMatchObject({ body: { personIds: [staffId], role: 'teacher' } });
    expect(wrapper.find('[data-initial-password]').text()).toBe('Abc23456789x');
    expect(wrapper.text()).toContain('Phiếu tài khoản — Trường Tiểu học Dịch Vọng');
    await until(() => expect(wrapper!.find('[data-username="nguyenvanbinh.dichvong"]').text()).toContain('Chưa đổi mật khẩu ban đầu'));

    // Closed, the passwords are gone: nothing of them was kept on the device.
    await wrapper.findAll('button').find((b) => b.text() === 'Đã in xong, đóng phiếu')!.trigger('click');
    expect(wrapper.find('[data-initial-password]').exists()).toBe(false);
    const stored = JSON.stringify([await device.db.meta.toArray(), await device.db.accounts.toArray(), await device.db.outbox.toArray()]);
    expect(stored).not.toContain('Abc23456789x');
  });
});
