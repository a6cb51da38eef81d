/**
 * `npm start`: build the client when the build is missing or older than its sources, then start the server
 * (migrations, demo data on the first run) and print where it is and how to sign in.
 */
import { loadConfig } from '../config';
import { closeOnSignals, startServer } from '../server';
import { buildIfStale, CLIENT_DIR } from './build-if-stale';

const config = loadConfig();
// A CLIENT_DIR given by the operator is a finished build: serve it as it is rather than rebuilding dist/client.
if (config.clientDir === undefined) await buildIfStale();
const { app, url, demoLogins } = await startServer(config, config.clientDir ?? CLIENT_DIR);
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
