/**
 * What the page and the service worker say to each other. Kept free of DOM and worker globals, so both bundles and
 * the tests import the same constants.
 */

/** The Background Sync tag the page registers (src/client/sync/runtime.ts requestBackgroundSync). */
export const BACKGROUND_SYNC_TAG = 'truong-an-sync';

/** Posted to every open page on a Background Sync: the engine listens for it on navigator.serviceWorker. */
export const SYNC_MESSAGE = { type: 'sync' } as const;

/** workbox-window's messageSkipWaiting(), which vite-plugin-pwa's updateServiceWorker() calls, posts exactly this. */
export function isSkipWaitingMessage(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'SKIP_WAITING';
}
