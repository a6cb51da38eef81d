/**
 * `npm run dev`: the API server (PORT, default 8080) and Vite's dev server (DEV_CLIENT_PORT, default 5173) in one
 * process. Open Vite's address: it serves the app with hot reload and forwards /api to the API server.
 * SIGINT (Ctrl+C) and SIGTERM close both.
 */
import path from 'node:path';
import { createServer } from 'vite';
import { loadConfig } from '../config';
import { startServer } from '../server';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const clientPort = Number(process.env.DEV_CLIENT_PORT ?? 5173);
if (!Number.isInteger(clientPort) || clientPort < 1 || clientPort > 65535) {
  throw new Error(`DEV_CLIENT_PORT must be a port number, not "${process.env.DEV_CLIENT_PORT}"`);
}

const config = loadConfig();
// No built client here: Vite serves the app, the API server only answers /api.
const api = await startServer(config, '');
const apiTarget = `http://127.0.0.1:${config.port}`;

const vite = await createServer({
  root: ROOT,
  configFile: path.join(ROOT, 'vite.config.ts'),
  server: {
    port: clientPort,
    // A silently different port would leave the printed address wrong and a second dev server running unseen.
    strictPort: true,
    // The config's proxy points at 8080; follow PORT when it says otherwise.
    proxy: { '/api': apiTarget },
  },
});
try {
  await vite.listen();
} catch (err) {
  await api.app.close();
  throw err;
}

const appUrl = vite.resolvedUrls?.local[0] ?? `http://localhost:${clientPort}/`;
console.log(
  [
    '',
    `  Ứng dụng (app, hot reload):  ${appUrl}`,
    `  API:                         ${api.url}/api  (database: ${api.app.ctx.db.kind})`,
    '  Ctrl+C để dừng (to stop).',
    '',
  ].join('\n'),
);

let closing = false;
async function stop(signal: NodeJS.Signals): Promise<void> {
  if (closing) return;
  closing = true;
  console.log(`\n${signal}: đang dừng (stopping)…`);
  const results = await Promise.allSettled([vite.close(), api.app.close()]);
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  for (const f of failed) console.error(f.reason);
  process.exit(failed.length > 0 ? 1 : 0);
}
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
