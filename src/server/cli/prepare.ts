/**
 * First half of `npm start`: build the client and compile the server when either is missing or older than its
 * sources. The second half runs the compiled server with plain node (`dist/server/main.mjs`, see main.ts).
 */
import { buildIfStale, buildServerIfStale } from './build-if-stale';

// A CLIENT_DIR given by the operator is a finished build: it is served as it is, and dist/client is not rebuilt.
if (!process.env.CLIENT_DIR) await buildIfStale();
await buildServerIfStale();
