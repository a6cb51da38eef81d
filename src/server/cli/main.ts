/**
 * The server's entry point, compiled to `dist/server/main.mjs` and run by `npm start` once prepare.ts has built what
 * was stale (also runnable from source: `tsx src/server/cli/main.ts`): migrations, demo data on the first run, then
 * listen and print where it is and how to sign in.
 */
import { loadConfig } from '../config';
import { closeOnSignals, startServer } from '../server';
import { CLIENT_DIR } from './paths';

const config = loadConfig();
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
