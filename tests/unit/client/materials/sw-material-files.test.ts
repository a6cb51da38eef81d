import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { answerFromMaterialCache, isMaterialFileRequest } from '../../../../src/client/pwa/material-files';

/**
 * The service worker's answer for material files: from the `materials-v1` cache, with 206 slices for range requests
 * (what a <video> asks for when it seeks), and the network only for what is not cached.
 */
describe('service worker: material files', () => {
  const sha = 'ab'.repeat(32);
  const url = new URL(`https://app.test/api/files/${sha}`);
  const bytes = Uint8Array.from({ length: 1000 }, (_, i) => i % 256);
  let stored: Map<string, Response>;
  let network: ReturnType<typeof vi.fn>;

  beforeEach(() => {
    stored = new Map([[`/api/files/${sha}`, new Response(bytes, { headers: { 'content-type': 'video/mp4' } })]]);
    vi.stubGlobal('caches', {
      open: (name: string) => {
        expect(name).toBe('materials-v1');
        return Promise.resolve({ match: (key: string) => Promise.resolve(stored.get(key)?.clone()) });
      },
    });
    network = vi.fn(() => Promise.resolve(new Response('from network', { status: 401 })));
    vi.stubGlobal('fetch', network);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('matches GETs of /api/files/<sha256> on its own origin only', () => {
    const get = new Request(url);
    expect(isMaterialFileRequest(url, get, 'https://app.test')).toBe(true);
    expect(isMaterialFileRequest(url, new Request(url, { method: 'DELETE' }), 'https://app.test')).toBe(false);
    expect(isMaterialFileRequest(new URL('https://app.test/api/files/uploads/1'), get, 'https://app.test')).toBe(false);
    expect(isMaterialFileRequest(new URL('https://app.test/api/sync/pull'), get, 'https://app.test')).toBe(false);
    expect(isMaterialFileRequest(url, get, 'https://other.test')).toBe(false);
  });

  it('answers a range request with a 206 slice of the cached file, and a plain request with all of it', async () => {
    const partial = await answerFromMaterialCache({ request: new Request(url, { headers: { range: 'bytes=500-599' } }), url });
    expect(partial.status).toBe(206);
    expect(partial.headers.get('content-range')).toBe('bytes 500-599/1000');
    expect([...new Uint8Array(await partial.arrayBuffer())]).toEqual([...bytes.slice(500, 600)]);
    const open = await answerFromMaterialCache({ request: new Request(url, { headers: { range: 'bytes=990-' } }), url });
    expect(open.status).toBe(206);
    expect((await open.arrayBuffer()).byteLength).toBe(10);
    const whole = await answerFromMaterialCache({ request: new Request(url), url });
    expect(whole.status).toBe(200);
    expect((await whole.arrayBuffer()).byteLength).toBe(1000);
    expect(network).not.toHaveBeenCalled();
  });

  it('leaves what is not cached to the network, untouched', async () => {
    stored.clear();
    const res = await answerFromMaterialCache({ request: new Request(url), url });
    expect(res.status).toBe(401);
    expect(network).toHaveBeenCalledTimes(1);
  });
});
