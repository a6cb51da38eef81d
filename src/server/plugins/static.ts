import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { notFound } from '../http/errors';

/**
 * Serves the built PWA. Hashed assets are immutable; the service worker, the manifest and index.html are always
 * revalidated so that a new version is found. Any other GET outside /api is the single-page app.
 */
export async function registerStatic(app: FastifyInstance, clientDir: string): Promise<void> {
  const hasClient = fs.existsSync(path.join(clientDir, 'index.html'));
  if (hasClient) {
    await app.register(fastifyStatic, {
      root: path.resolve(clientDir),
      wildcard: true,
      index: ['index.html'],
      setHeaders(res, filePath) {
        const name = path.basename(filePath);
        if (filePath.includes(`${path.sep}assets${path.sep}`)) {
          res.header('cache-control', 'public, max-age=31536000, immutable');
        } else {
          res.header('cache-control', 'no-cache');
        }
        if (name === 'sw.js') res.header('service-worker-allowed', '/');
      },
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const url = request.url;
    if (url.startsWith('/api/') || url === '/api' || request.method !== 'GET' || !hasClient) {
      throw notFound();
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
