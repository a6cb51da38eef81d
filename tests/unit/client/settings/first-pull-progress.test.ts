import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import PrimeVue from 'primevue/config';
import FirstPullProgress from '../../../../src/client/features/sync/FirstPullProgress.vue';
import { localFirstPullMarks, pullPercent } from '../../../../src/client/features/sync/first-pull';
import type { TruongAnDb } from '../../../../src/client/db/database';
import { i18n, setLocale } from '../../../../src/client/i18n';
import { configureRuntime } from '../../../../src/client/sync/runtime';
import { useSessionStore } from '../../../../src/client/stores/session';
import { useSyncStore } from '../../../../src/client/stores/sync';
import { FakeTimers, freshDb } from '../sync/harness';
import { makeAccount } from './harness';

// Stand-ins with the real stores' ids and the fields the bar reads; the device database behind them is real.
vi.mock('../../../../src/client/stores/sync', async () => {
  const { defineStore } = await import('pinia');
  const { ref } = await import('vue');
  return {
    useSyncStore: defineStore('sync', () => ({
      progress: ref<{ received: number; total: number } | null>(null),
      lastSyncAt: ref<string | null>(null),
    })),
  };
});
vi.mock('../../../../src/client/stores/session', async () => {
  const { defineStore } = await import('pinia');
  const { ref } = await import('vue');
  return { useSessionStore: defineStore('session', () => ({ user: ref<{ id: string } | null>(null) })) };
});

interface SyncStub {
  progress: { received: number; total: number } | null;
  lastSyncAt: string | null;
}
const setSync = (state: Partial<SyncStub>): void =>
  (useSyncStore() as unknown as { $patch(p: Partial<SyncStub>): void }).$patch(state);
const setUser = (id: string | null): void =>
  (useSessionStore() as unknown as { $patch(p: { user: { id: string } | null }): void }).$patch({
    user: id ? { id } : null,
  });

let db: TruongAnDb;
let pinia: Pinia;
let wrapper: VueWrapper | null = null;
const lan = makeAccount('Nguyễn Thị Lan');

async function mountBar(): Promise<VueWrapper> {
  wrapper = mount(FirstPullProgress, { global: { plugins: [pinia, i18n, [PrimeVue, { unstyled: true }]] } });
  await settle();
  return wrapper;
}

async function settle(): Promise<void> {
  // The bar's decision reads IndexedDB (the cursor, the account): let those reads finish.
  for (let i = 0; i < 5; i += 1) {
    await flushPromises();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

beforeEach(async () => {
  setLocale('vi');
  localStorage.clear();
  db = freshDb();
  configureRuntime({
    db,
    isOnline: () => false,
    engine: { timers: new FakeTimers(), connectivity: null, serviceWorker: null, requestBackgroundSync: null },
  });
  pinia = createPinia();
  setActivePinia(pinia);
  await db.accounts.put(lan);
  setUser(lan.userId);
});

afterEach(async () => {
  wrapper?.unmount();
  wrapper = null;
  await db.delete();
});

describe('FirstPullProgress', () => {
  it('shows rows received against rows expected during the first pull, as a progress bar', async () => {
    setSync({ progress: { received: 12_345, total: 40_000 } });
    const bar = await mountBar();
    const strip = bar.get('[data-testid="first-pull-progress"]');
    expect(strip.text()).toContain('Đang tải dữ liệu trường: 12.345 / 40.000 dòng (31%)');
    expect(strip.text()).toContain('Bạn vẫn dùng được phần dữ liệu đã tải xong.');
    const progressbar = strip.get('[role="progressbar"]');
    expect(progressbar.attributes()).toMatchObject({
      'aria-valuemin': '0',
      'aria-valuemax': '100',
      'aria-valuenow': '31',
      'aria-label': 'Tải dữ liệu trường lần đầu',
      'aria-valuetext': 'Đang tải dữ liệu trường: 12.345 / 40.000 dòng (31%)',
    });

    setSync({ progress: { received: 36_000, total: 40_000 } });
    await flushPromises();
    expect(strip.get('[role="progressbar"]').attributes('aria-valuenow')).toBe('90');

    setLocale('en');
    await flushPromises();
    expect(bar.text()).toContain('Loading school data: 36,000 / 40,000 rows (90%)');
  });

  it('shows nothing while no pull is under way', async () => {
    const bar = await mountBar();
    expect(bar.find('[data-testid="first-pull-progress"]').exists()).toBe(false);
  });

  it('keeps showing after a reload in the middle of the first pull (cursor stored, pull not finished)', async () => {
    await db.cursors.put({ userId: lan.userId, cursor: 'page-3' });
    setSync({ progress: { received: 3_000, total: 9_000 } });
    const bar = await mountBar();
    expect(bar.find('[data-testid="first-pull-progress"]').exists()).toBe(true);
  });

  it('once a sync completes the first pull, later pulls for that user show no bar', async () => {
    const bar = await mountBar();
    // A sync that finished during this visit, with the user's cursor stored.
    await db.cursors.put({ userId: lan.userId, cursor: 'done' });
    setSync({ lastSyncAt: new Date(Date.now() + 1_000).toISOString() });
    await settle();
    expect(localFirstPullMarks.isDone(lan.userId)).toBe(true);

    setSync({ progress: { received: 1_000, total: 2_500 } });
    await settle();
    expect(bar.find('[data-testid="first-pull-progress"]').exists()).toBe(false);

    // Another user of the same tablet has not pulled yet: their first pull shows the bar.
    const minh = makeAccount('Trần Văn Minh');
    await db.accounts.put(minh);
    setUser(minh.userId);
    await settle();
    expect(bar.find('[data-testid="first-pull-progress"]').exists()).toBe(true);
  });

  it('a sync from an earlier visit, or one cut short by an expired sign-in, does not count as complete', async () => {
    await db.cursors.put({ userId: lan.userId, cursor: 'page-2' });
    setSync({ lastSyncAt: new Date(Date.now() - 60_000).toISOString() });
    const bar = await mountBar();
    expect(localFirstPullMarks.isDone(lan.userId)).toBe(false);

    await db.accounts.update(lan.userId, { needsReauth: true });
    setSync({ lastSyncAt: new Date(Date.now() + 1_000).toISOString() });
    await settle();
    expect(localFirstPullMarks.isDone(lan.userId)).toBe(false);
    setSync({ progress: { received: 2_000, total: 5_000 } });
    await settle();
    expect(bar.find('[data-testid="first-pull-progress"]').exists()).toBe(true);
  });

  it('a wiped device database shows the bar again even though the mark survived', async () => {
    localFirstPullMarks.markDone(lan.userId);
    setSync({ progress: { received: 10, total: 100 } });
    const bar = await mountBar();
    expect(bar.find('[data-testid="first-pull-progress"]').exists()).toBe(true);
  });
});

describe('pullPercent', () => {
  it('rounds, and says 100 only when every row is in', () => {
    expect(pullPercent(12_345, 40_000)).toBe(31);
    expect(pullPercent(39_999, 40_000)).toBe(99);
    expect(pullPercent(40_000, 40_000)).toBe(100);
    expect(pullPercent(5, 0)).toBe(0);
  });
});
