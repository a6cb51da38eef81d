/// <reference lib="webworker" />
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { BACKGROUND_SYNC_TAG, isSkipWaitingMessage, SYNC_MESSAGE } from './messages';
import { answerFromMaterialCache, isMaterialFileRequest } from './material-files';

/**
 * The service worker of Trường An. It caches the built app on the first online visit so that later visits start
 * without a network, and nothing else: the API is never answered from a cache (no runtime route matches /api), so
 * an offline request fails visibly and offline work goes through IndexedDB and the outbox instead.
 */
declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | PrecacheEntry)[] };

/** The Background Sync API is Chromium-only and absent from TypeScript's WebWorker library. */
interface SyncEvent extends ExtendableEvent {
  readonly tag: string;
  readonly lastChance: boolean;
}

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Every page of the single-page app is index.html; the router draws the right page, online or not. /api is left
// to the network even for a navigation (a JSON answer opened in a tab must not become the app).
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/api\//] }));

// The one exception to "no /api from a cache": material files the page saved for offline use (materials-v1), with
// range requests sliced from the cached copy so that a video seeks offline. See material-files.ts.
registerRoute(({ url, request }) => isMaterialFileRequest(url, request, self.location.origin), answerFromMaterialCache);

// No skipWaiting() on install: a new version waits until the user accepts it ("Có phiên bản mới — cập nhật"), so an
// update never swaps the code under a teacher in the middle of marking attendance. vite-plugin-pwa's
// updateServiceWorker() posts workbox-window's { type: 'SKIP_WAITING' } to the waiting worker.
self.addEventListener('message', (event) => {
  if (isSkipWaitingMessage(event.data)) void self.skipWaiting();
});

// Take the open pages over at once: their "controlling" event is what reloads them into the new version.
self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

// The sync engine lives in the page (it needs the signed-in user's tokens and Dexie); the worker only wakes it.
// With no page open the message reaches no one, which is fine: the engine syncs on the next app start anyway.
self.addEventListener('sync', (event) => {
  const sync = event as SyncEvent;
  if (sync.tag !== BACKGROUND_SYNC_TAG) return;
  sync.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      for (const client of windows) client.postMessage(SYNC_MESSAGE);
    }),
  );
});
