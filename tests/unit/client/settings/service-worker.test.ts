import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// The worker's wiring, run against a fake ServiceWorkerGlobalScope; precaching itself is proven in Chromium
// (tests/e2e/pwa.spec.ts).
const workbox = vi.hoisted(() => ({
  precacheAndRoute: vi.fn(),
  cleanupOutdatedCaches: vi.fn(),
  createHandlerBoundToURL: vi.fn((url: string) => ({ boundTo: url })),
  registerRoute: vi.fn(),
}));
vi.mock('workbox-precaching', () => ({
  precacheAndRoute: workbox.precacheAndRoute,
  cleanupOutdatedCaches: workbox.cleanupOutdatedCaches,
  createHandlerBoundToURL: workbox.createHandlerBoundToURL,
}));
vi.mock('workbox-routing', () => ({
  registerRoute: workbox.registerRoute,
  NavigationRoute: class {
    constructor(
      readonly handler: unknown,
      readonly options: { denylist?: RegExp[] },
    ) {}
  },
}));

type Listener = (event: unknown) => void;

function fakeScope() {
  const listeners = new Map<string, Listener[]>();
  const windows = [{ postMessage: vi.fn() }, { postMessage: vi.fn() }];
  return {
    listeners,
    windows,
    __WB_MANIFEST: [{ url: 'index.html', revision: 'abc' }, 'assets/index-123.js'],
    location: { origin: 'https://truongan.example' },
    addEventListener(type: string, listener: Listener) {
      listeners.set(type, [...(listeners.get(type) ?? []), listener]);
    },
    skipWaiting: vi.fn(async () => undefined),
    clients: {
      claim: vi.fn(async () => undefined),
      matchAll: vi.fn(async () => windows),
    },
    dispatch(type: string, event: Record<string, unknown>) {
      const waited: Promise<unknown>[] = [];
      const full = { ...event, waitUntil: (p: Promise<unknown>) => waited.push(p) };
      for (const listener of listeners.get(type) ?? []) listener(full);
      return Promise.all(waited);
    },
  };
}

let scope: ReturnType<typeof fakeScope>;

beforeEach(async () => {
  vi.resetModules();
  Object.values(workbox).forEach((fn) => fn.mockClear());
  scope = fakeScope();
  vi.stubGlobal('self', scope);
  await import('../../../../src/client/pwa/sw');
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('service worker', () => {
  it('precaches the build manifest and serves every navigation but /api from the precached index.html', () => {
    expect(workbox.precacheAndRoute).toHaveBeenCalledWith(scope.__WB_MANIFEST);
    expect(workbox.cleanupOutdatedCaches).toHaveBeenCalled();
    // Two routes: navigations, and material files saved for offline use. No other /api request meets a cache.
    expect(workbox.registerRoute).toHaveBeenCalledTimes(2);
    const files = workbox.registerRoute.mock.calls[1]![0] as (o: { url: URL; request: { method: string } }) => boolean;
    const origin = 'https://truongan.example';
    const asks = (path: string, method = 'GET') => files({ url: new URL(path, origin), request: { method } });
    expect(asks(`/api/files/${'a'.repeat(64)}`)).toBe(true);
    expect(asks(`/api/files/${'a'.repeat(64)}`, 'POST')).toBe(false);
    expect(asks('/api/sync/pull')).toBe(false);
    expect(asks('/api/files/uploads/x')).toBe(false);
    const route = workbox.registerRoute.mock.calls[0]![0] as { handler: unknown; options: { denylist: RegExp[] } };
    expect(route.handler).toEqual({ boundTo: '/index.html' });
    const denied = (path: string) => route.options.denylist.some((re) => re.test(path));
    expect(denied('/api/sync/pull')).toBe(true);
    expect(denied('/cai-dat')).toBe(false);
    expect(denied('/')).toBe(false);
  });

  it('waits for the user: skipWaiting only on workbox-window’s SKIP_WAITING message, then claims the pages', async () => {
    expect(scope.listeners.has('install')).toBe(false);
    await scope.dispatch('message', { data: { type: 'something-else' } });
    expect(scope.skipWaiting).not.toHaveBeenCalled();
    await scope.dispatch('message', { data: { type: 'SKIP_WAITING' } });
    expect(scope.skipWaiting).toHaveBeenCalledTimes(1);
    await scope.dispatch('activate', {});
    expect(scope.clients.claim).toHaveBeenCalledTimes(1);
  });

  it('a Background Sync wakes the sync engine in every open window', async () => {
    await scope.dispatch('sync', { tag: 'another-tag' });
    expect(scope.clients.matchAll).not.toHaveBeenCalled();

    await scope.dispatch('sync', { tag: 'truong-an-sync' });
    expect(scope.clients.matchAll).toHaveBeenCalledWith({ type: 'window', includeUncontrolled: true });
    for (const client of scope.windows) expect(client.postMessage).toHaveBeenCalledWith({ type: 'sync' });
  });
});
