import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createMemoryHistory, createRouter } from 'vue-router';
import { defineComponent } from 'vue';
import type { Person } from '../../../../src/shared/domain';
import RosterPage from '../../../../src/client/features/org/RosterPage.vue';
import ChangePasswordPage from '../../../../src/client/features/org/ChangePasswordPage.vue';
import { createAppRouter } from '../../../../src/client/router';
import { appPlugins } from '../helpers/mount';
import { disposeDevice, makeAccount, makeDevice, signInOnDevice, type Device } from '../settings/harness';
import { makeWorld, seedWorld, type PlanWorld } from '../plans/harness';

const now = Date.parse('2026-03-10T02:00:00Z');
let device: Device;
let world: PlanWorld;
let wrapper: VueWrapper | null = null;
let pupils: Person[];

async function until(check: () => void | Promise<void>): Promise<void> {
  await vi.waitFor(
    async () => {
      await flushPromises();
      await check();
    },
    { timeout: 5000 },
  );
}
const Blank = defineComponent({ render: () => null });
/** PrimeVue dialogs are teleported to the body. */
const dialog = () => document.body.querySelector<HTMLElement>('[role="dialog"]');
const outboxNames = async () => (await device.db.outbox.orderBy('seq').toArray()).map((e) => e.name);

async function signInAs(role: 'principal' | 'teacher'): Promise<void> {
  const account = makeAccount(role === 'principal' ? 'Thầy Hiệu trưởng' : 'Cô Lan');
  account.user.grants = [{ role, unitId: world.school.id, unitName: world.school.name }];
  await signInOnDevice(device, account);
}

async function open(): Promise<VueWrapper> {
  await device.router.push({ name: 'roster' });
  await device.router.isReady();
  wrapper = mount(RosterPage, { global: { plugins: device.plugins as never[] }, attachTo: document.body });
  await until(() => expect(wrapper!.findAll('.roster__row').length).toBeGreaterThan(0));
  return wrapper;
}

beforeEach(async () => {
  world = makeWorld();
  device = makeDevice(() => now);
  device.router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'home', component: Blank },
      { path: '/danh-sach', name: 'roster', component: RosterPage },
    ],
  });
  device.plugins = appPlugins(device.pinia, device.router);
  await seedWorld(device, world);
  pupils = [
    { name: 'Nguyễn Văn An', birthYear: 2016 },
    { name: 'Trần Thị Bình', birthYear: 2020 },
  ].map(({ name, birthYear }) => ({
    id: randomUUID(),
    schoolId: world.school.id,
    kind: 'student' as const,
    fullName: name,
    code: null,
    birthYear,
    sex: null,
    classId: world.classes[0]!.id,
    roleTags: [],
    studentIds: [],
    status: 'active' as const,
    joinedOn: null,
    leftOn: null,
  }));
  await device.db.entity('person').bulkPut(pupils);
});

afterEach(async () => {
  wrapper?.unmount();
  wrapper = null;
  document.body.innerHTML = '';
  await disposeDevice(device);
});

describe('roster page', () => {
  it('lists the students with their consent, finds them without diacritics, records a consent offline', async () => {
    await signInAs('teacher');
    const w = await open();
    expect(w.text()).toContain('Chỉ hiệu trưởng sửa được danh sách');
    expect(w.findAll('.roster__row').map((r) => r.find('strong').text())).toEqual(['Nguyễn Văn An', 'Trần Thị Bình']);
    expect(w.find(`[data-person-id="${pupils[0]!.id}"]`).text()).toContain('Chữ ký: Chưa có');
    // A teacher may not edit people, only record consent.
    expect(w.find(`[data-person-id="${pupils[0]!.id}"]`).text()).not.toContain('Sửa');

    await w.find('input[type="search"]').setValue('binh');
    await until(() => expect(w.findAll('.roster__row')).toHaveLength(1));
    await w.find('input[type="search"]').setValue('');
    await until(() => expect(w.findAll('.roster__row')).toHaveLength(2));

    // The older pupil: the child is asked too.
    const anRow = w.find(`[data-person-id="${pupils[0]!.id}"]`);
    await anRow.findAll('button').find((b) => b.text() === 'Đồng ý')!.trigger('click');
    await until(() => expect(dialog()?.textContent).toContain('Học sinh đồng ý'));
    const sign = [...dialog()!.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Chữ ký')!;
    sign.click();
    await flushPromises();
    [...dialog()!.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Ghi nhận')!.click();
    await until(async () => expect(await outboxNames()).toEqual(['consent.record']));
    const consent = (await device.db.entity('consent').toArray())[0]!;
    expect(consent).toMatchObject({ personId: pupils[0]!.id, kind: 'signature', childConsent: true, parentConsent: true, schoolId: world.school.id });
    await until(() => expect(w.find(`[data-person-id="${pupils[0]!.id}"]`).text()).toContain('Chữ ký: Đã đồng ý'));

    // A pupil under 7: only the parent is asked.
    await w.find(`[data-person-id="${pupils[1]!.id}"]`).findAll('button').find((b) => b.text() === 'Đồng ý')!.trigger('click');
    await until(() => expect(dialog()?.textContent).toContain('dưới 7 tuổi'));
    expect(dialog()!.textContent).not.toContain('Học sinh đồng ý');
  });

  it('lets the principal add a person offline', async () => {
    await signInAs('principal');
    const w = await open();
    await w.findAll('button').find((b) => b.text().includes('Thêm người'))!.trigger('click');
    await until(() => expect(dialog()).not.toBeNull());
    const name = dialog()!.querySelector<HTMLInputElement>('input[maxlength="120"]')!;
    name.value = 'Lê Minh Châu';
    name.dispatchEvent(new Event('input'));
    await flushPromises();
    [...dialog()!.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Lưu')!.click();
    await until(async () => expect(await outboxNames()).toEqual(['person.save']));
    await until(() => expect(w.text()).toContain('Lê Minh Châu'));
    const added = (await device.db.entity('person').toArray()).find((p) => p.fullName === 'Lê Minh Châu')!;
    expect(added).toMatchObject({ kind: 'student', schoolId: world.school.id, status: 'active' });
    await until(() => expect(w.find(`[data-person-id="${added.id}"]`).text()).toContain('Chờ đồng bộ'));
  });
});

describe('first sign-in with an initial password', () => {
  it('sends the user to the password page from anywhere, until it is changed', async () => {
    const account = makeAccount('Thầy Mới');
    account.user.mustChangePassword = true;
    account.user.grants = [{ role: 'teacher', unitId: world.school.id, unitName: world.school.name }];
    await signInOnDevice(device, account);
    const router = createAppRouter(createMemoryHistory());
    await router.push('/buoi');
    expect(router.currentRoute.value.name).toBe('change-password');
    await router.push('/danh-sach');
    expect(router.currentRoute.value.name).toBe('change-password');
    wrapper = mount(ChangePasswordPage, { global: { plugins: appPlugins(device.pinia, router) as never[] } });
    expect(wrapper.text()).toContain('lần đăng nhập đầu tiên');
    // Offline, the change is refused with a plain reason and nothing else happens.
    const inputs = wrapper.findAll('input');
    await inputs[0]!.setValue('ban-dau-123');
    await inputs[1]!.setValue('rieng-cua-toi-2026');
    await inputs[2]!.setValue('rieng-cua-toi-2026');
    await wrapper.find('form').trigger('submit');
    await until(() => expect(wrapper!.text()).toContain('Việc này cần kết nối mạng'));
    expect(router.currentRoute.value.name).toBe('change-password');
  });
});
