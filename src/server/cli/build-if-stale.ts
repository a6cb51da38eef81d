import fs from 'node:fs';
import path from 'node:path';
import { CLIENT_DIR, ROOT, SERVER_BUNDLE } from './paths';

export { CLIENT_DIR, ROOT } from './paths';

const CLIENT_SOURCES = ['src/client', 'src/shared', 'public', 'index.html', 'vite.config.ts', 'package.json'];
const SERVER_SOURCES = ['src/server', 'src/shared', 'package.json'];

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

function isStale(built: string, sources: string[]): { stale: boolean; missing: boolean } {
  const builtAt = fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0;
  const sourcesAt = Math.max(...sources.map((s) => newestMtime(path.join(ROOT, s))));
  return { stale: builtAt < sourcesAt, missing: builtAt === 0 };
}

/** Builds the client with Vite when the build is missing or older than any of its sources. */
export async function buildIfStale(log: (line: string) => void = console.log): Promise<void> {
  const { stale, missing } = isStale(path.join(CLIENT_DIR, 'index.html'), CLIENT_SOURCES);
  if (!stale) return;
  log(missing ? 'Building the app…' : 'Sources changed since the last build: rebuilding the app…');
  const { build } = await import('vite');
  await build({ root: ROOT, logLevel: 'warn', configFile: path.join(ROOT, 'vite.config.ts') });
}

/**
 * Compiles the server into one ES module when it is missing or older than its sources. Production runs it with
 * plain node: the TypeScript loader alone held about 50 MB of the server's memory.
 */
export async function buildServerIfStale(log: (line: string) => void = console.log): Promise<void> {
  if (!isStale(SERVER_BUNDLE, SERVER_SOURCES).stale) return;
  log('Compiling the server…');
  const { build } = await import('esbuild');
  await build({
    entryPoints: [path.join(ROOT, 'src/server/cli/main.ts')],
    outfile: SERVER_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Dependencies load from node_modules as they are (native modules included); only our own code is bundled.
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
}
