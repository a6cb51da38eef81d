import fs from 'node:fs';
import path from 'node:path';

/**
 * The package's root, found by walking up to its package.json: the same code runs from `src/server/cli` under tsx
 * and from `dist/server` once bundled, at different depths.
 */
function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const ROOT = findRoot(import.meta.dirname);
export const CLIENT_DIR = path.join(ROOT, 'dist/client');
/** The server compiled to one ES module (its packages stay in node_modules), which `npm start` runs with plain node. */
export const SERVER_BUNDLE = path.join(ROOT, 'dist/server/main.mjs');
