import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import PrimeVue from 'primevue/config';
import { ref } from 'vue';
import UpdatePrompt from '../../../../src/client/components/pwa/UpdatePrompt.vue';
import { i18n, setLocale } from '../../../../src/client/i18n';
import { useSyncStore } from '../../../../src/client/stores/sync';

const registration = vi.hoisted(() => ({ update: vi.fn(async () => undefined) }));

// The registration needs a real service worker; the prompt only needs its refs and its update().
vi.mock('../../../../src/client/pwa/register', () => ({
  usePwaRegistration: () => ({
    needRefresh: ref(true),
    offlineReady: ref(false),
    registerError: ref<string | null>(null),
    update: registration.update,
  }),
}));
vi.mock('../../../../src/client/stores/sync', async () => {
  const { defineStore } = await import('pinia');
  return {
    useSyncStore: defineStore('sync', () => ({ pendingCount: ref(0), needsAttentionCount: ref(0) })),
  };
});

const setSync = (state: { pendingCount?: number; needsAttentionCount?: number }): void =>
  (useSyncStore() as unknown as { $patch(p: typeof state): void }).$patch(state);

let pinia: Pinia;
const mountPrompt = () => mount(UpdatePrompt, { global: { plugins: [pinia, i18n, [PrimeVue, { unstyled: true }]] } });

beforeEach(() => {
  setLocale('vi');
  registration.update.mockClear();
  pinia = createPinia();
  setActivePinia(pinia);
});

describe('UpdatePrompt', () => {
  it('says that the changes waiting to sync are kept through the update', async () => {
    setSync({ pendingCount: 3, needsAttentionCount: 1 });
    const prompt = mountPrompt();
    const kept = prompt.get('[data-testid="update-kept"]').text();
    expect(kept).toContain('3 thay đổi chờ đồng bộ vẫn được giữ lại khi cập nhật.');
    expect(kept).toContain('1 thay đổi cần xử lý vẫn được giữ lại.');

    await prompt.findAll('button').find((b) => b.text() === 'Cập nhật')!.trigger('click');
    await flushPromises();
    expect(registration.update).toHaveBeenCalledTimes(1);
  });

  it('says nothing about kept changes when there are none', () => {
    const prompt = mountPrompt();
    expect(prompt.get('[data-testid="update-prompt"]').text()).toContain('Có phiên bản mới — cập nhật');
    expect(prompt.find('[data-testid="update-kept"]').exists()).toBe(false);
  });
});
