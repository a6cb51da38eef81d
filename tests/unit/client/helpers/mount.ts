import type { VueWrapper } from '@vue/test-utils';
import type { Pinia } from 'pinia';
import PrimeVue from 'primevue/config';
import { vi } from 'vitest';
import type { Router } from 'vue-router';
import { i18n } from '../../../../src/client/i18n';
import type { TruongAnDb } from '../../../../src/client/db/database';
import type { Runtime } from '../../../../src/client/sync/runtime';

/** The plugins the app installs, for mounting a page: PrimeVue unstyled, as the app's own theme styles it. */
export function appPlugins(pinia: Pinia, router: Router): never[] {
  return [pinia, i18n, router, [PrimeVue, { unstyled: true }]] as never[];
}

export function globalPlugins(h: { pinia: Pinia }, router: Router) {
  return { plugins: appPlugins(h.pinia, router) };
}

/** Only Date is fake: Dexie and fake-indexeddb keep their real timers, which fake ones would stall. */
export function fakeDateAt(iso: string): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(iso));
}

/** Unmounts the page, stops the engine and deletes the device's database, so that no test sees another's rows. */
export async function disposePage(
  wrapper: VueWrapper | null,
  harness: { runtime: Runtime; db: TruongAnDb } | null,
): Promise<void> {
  wrapper?.unmount();
  harness?.runtime.engine.stop();
  await harness?.db.delete();
  document.body.innerHTML = '';
}
