/**
 * `npm start`: build the client when the build is missing or older than its sources, then start the server
 * (migrations, demo data on the first run) and print where it is and how to sign in.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config';
import { closeOnSignals, startServer } from '../server';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const BUILT = path.join(ROOT, 'dist/client/index.html');
const SOURCES = ['src/client', 'src/shared', 'public', 'index.html', 'vite.config.ts', 'package.json'];

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

async function buildIfStale(): Promise<void> {
  const builtAt = fs.existsSync(BUILT) ? fs.statSync(BUILT).mtimeMs : 0;
  const sourcesAt = Math.max(...SOURCES.map((s) => newestMtime(path.join(ROOT, s))));
  if (builtAt >= sourcesAt) return;
  console.log(builtAt === 0 ? 'Building the app…' : 'Sources changed since the last build: rebuilding the app…');
  const { build } = await import('vite');
  await build({ root: ROOT, logLevel: 'warn', configFile: path.join(ROOT, 'vite.config.ts') });
}

await buildIfStale();
const config = loadConfig();
const { app, url, demoLogins } = await startServer(config, path.join(ROOT, 'dist/client'));
closeOnSignals(app);

const lines = [
  '',
  `Trường An is running at ${url}  (database: ${app.ctx.db.kind})`,
  demoLogins
    ? 'Demo data loaded. Demo sign-ins (tên đăng nhập / mật khẩu):'
    : 'Existing data kept. Demo sign-ins, if this database holds the demo data:',
];
const { DEMO_LOGINS } = await import('../demo/seed');
for (const d of demoLogins ?? DEMO_LOGINS) lines.push(`  ${d.username.padEnd(14)} ${d.password}   ${d.description}`);
console.log(lines.join('\n') + '\n');
