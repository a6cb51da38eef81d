import { createPartialResponse } from 'workbox-range-requests';

/**
 * Material files in the service worker. The page (features/materials/offline-cache.ts) fetches a file with the
 * user's token and stores the whole answer in the cache `materials-v1` under `/api/files/<sha256>`; here a GET of that
 * URL is answered from the cache, a `Range` request with a 206 slice of it (a `<video>` seeking offline), and only
 * what is not cached goes to the network, unchanged: the worker holds no token, so an uncached file is fetched by the
 * page, never by the worker. The name is repeated (not imported) to keep the page's code out of the worker.
 */
const MATERIALS_CACHE = 'materials-v1';
const FILE_PATH = /^\/api\/files\/[0-9a-f]{64}$/;

export function isMaterialFileRequest(url: URL, request: Request, origin: string): boolean {
  return request.method === 'GET' && url.origin === origin && FILE_PATH.test(url.pathname);
}

export async function answerFromMaterialCache({ request, url }: { request: Request; url: URL }): Promise<Response> {
  const cache = await caches.open(MATERIALS_CACHE);
  const cached = await cache.match(url.pathname);
  if (!cached) return fetch(request);
  if (request.headers.has('range')) return createPartialResponse(request, cached);
  return cached;
}
