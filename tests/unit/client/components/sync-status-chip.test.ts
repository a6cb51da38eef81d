import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import SyncStatusChip from '../../../../src/client/components/sync/SyncStatusChip.vue';
import { i18n, setLocale } from '../../../../src/client/i18n';
import { useSyncStore } from '../../../../src/client/stores/sync';
import { useSessionStore } from '../../../../src/client/stores/session';

const syncNow = vi.hoisted(() => vi.fn(async () => undefined));

// Stand-ins with the same ids and public shape as the real stores, without Dexie and the sync engine behind them.
vi.mock('../../../../src/client/stores/sync', async () => {
  const { defineStore } = await import('pinia');
  const { ref } = await import('vue');
  return {
    useSyncStore: defineStore('sync', () => ({
      online: ref(true),
      syncing: ref(false),
      pendingCount: ref(0),
      needsAttentionCount: ref(0),
      lastSyncAt: ref<string | null>(null),
      lastError: ref<string | null>(null),
      progress: ref<{ received: number; total: number } | null>(null),
      syncNow,
    })),
  };
});
vi.mock('../../../../src/client/stores/session', async () => {
  const { defineStore } = await import('pinia');
  const { ref } = await import('vue');
  return { useSessionStore: defineStore('session', () => ({ needsReauth: ref(false) })) };
});

interface SyncStub {
  online: boolean;
  syncing: boolean;
  pendingCount: number;
  needsAttentionCount: number;
  lastSyncAt: string | null;
  lastError: string | null;
  progress: { received: number; total: number } | null;
}

// The real stores expose most of these as getters; the stand-ins hold them as state, which is what tests set.
function setSync(state: Partial<SyncStub>): void {
  (useSyncStore() as unknown as { $patch(p: Partial<SyncStub>): void }).$patch(state);
}
function setSession(state: { needsReauth: boolean }): void {
  (useSessionStore() as unknown as { $patch(p: { needsReauth: boolean }): void }).$patch(state);
}

let pinia: Pinia;

function mountChip() {
  return mount(SyncStatusChip, { global: { plugins: [pinia, i18n] } });
}

beforeEach(() => {
  syncNow.mockClear();
  setLocale('vi');
  pinia = createPinia();
  setActivePinia(pinia);
  // 10:00 in Hà Nội on 24 Nov 2025.
  vi.useFakeTimers({ now: new Date('2025-11-24T03:00:00Z'), toFake: ['Date'] });
});

describe('SyncStatusChip', () => {
  it('online with nothing waiting: says so and when it last synced, in Hà Nội time', () => {
    setSync({ lastSyncAt: '2025-11-24T02:05:00.000Z' });
    const chip = mountChip().find('button');
    expect(chip.classes()).toContain('sync-chip--ok');
    expect(chip.text()).toContain('Trực tuyến');
    expect(chip.text()).toContain('Đồng bộ lúc 09:05');
    expect(chip.text()).not.toContain('chờ đồng bộ');
  });

  it('shows the day as well when the last sync was before today', () => {
    setSync({ lastSyncAt: '2025-11-22T16:30:00.000Z' }); // 23:30 on 22/11 in Hà Nội
    expect(mountChip().text()).toContain('Đồng bộ lúc 22/11 23:30');
  });

  it('offline with changes waiting: says offline and how many wait', () => {
    setSync({ online: false, pendingCount: 3 });
    const chip = mountChip().find('button');
    expect(chip.classes()).toContain('sync-chip--offline');
    expect(chip.text()).toContain('Ngoại tuyến');
    expect(chip.text()).toContain('3 chờ đồng bộ');
    expect(chip.text()).toContain('Chưa đồng bộ lần nào');
  });

  it('shows the error in plain words and the refused changes', () => {
    setSync({
      pendingCount: 2,
      needsAttentionCount: 1,
      lastError: 'Không kết nối được máy chủ. Tự thử lại sau 30 giây.',
    });
    const chip = mountChip().find('button');
    expect(chip.classes()).toContain('sync-chip--problem');
    expect(chip.text()).toContain('2 chờ đồng bộ');
    expect(chip.text()).toContain('1 cần xem lại');
    expect(chip.find('.sync-chip__detail--problem').text()).toBe('Không kết nối được máy chủ. Tự thử lại sau 30 giây.');
  });

  it('asks to sign in again when the session has expired', () => {
    setSession({ needsReauth: true });
    const chip = mountChip().find('button');
    expect(chip.classes()).toContain('sync-chip--problem');
    expect(chip.text()).toContain('Cần đăng nhập lại để đồng bộ');
  });

  it('shows progress while syncing and ignores taps until done', async () => {
    setSync({ syncing: true, progress: { received: 120, total: 500 } });
    const wrapper = mountChip();
    expect(wrapper.text()).toContain('Đang đồng bộ 120/500');
    expect(wrapper.find('button').attributes('aria-busy')).toBe('true');
    await wrapper.find('button').trigger('click');
    expect(syncNow).not.toHaveBeenCalled();
  });

  it('syncs when tapped online, and not offline', async () => {
    const wrapper = mountChip();
    await wrapper.find('button').trigger('click');
    expect(syncNow).toHaveBeenCalledTimes(1);

    setSync({ online: false });
    await wrapper.vm.$nextTick();
    await wrapper.find('button').trigger('click');
    expect(syncNow).toHaveBeenCalledTimes(1);
    expect(wrapper.text()).toContain('tự đồng bộ khi có mạng');
  });

  it('follows the chosen language', () => {
    setLocale('en');
    setSync({ online: false, pendingCount: 4 });
    const text = mountChip().text();
    expect(text).toContain('Offline');
    expect(text).toContain('4 waiting to sync');
  });
});
