import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app';
import { keepCoverageCurrent } from './coverage/rollup';
import type { Config } from './config';
import { migrateToLatest, openDatabase } from './db';
import { hasAnyUnit, loadDemoData, type DemoLogin } from './demo/seed';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  demoLogins: DemoLogin[] | null;
}

/** Opens the database, migrates, loads the demo data into an empty database, and listens. */
export async function startServer(
  config: Config,
  clientDir = path.resolve(config.clientDir ?? 'dist/client'),
): Promise<RunningServer> {
  const db = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await migrateToLatest(db);
  const demoLogins = (await hasAnyUnit(db.kysely)) ? null : await loadDemoData(db.kysely);
  const app = await buildApp({ config, db, clientDir });
  // Registered before the database's close: its onClose waits for a refresh in flight while the database is open.
  keepCoverageCurrent(app);
  app.addHook('onClose', async () => {
    await db.close();
  });
  const address = await app.listen({ port: config.port, host: config.host });
  const url = address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
  return { app, url, demoLogins };
}

/**
 * SIGTERM and SIGINT: stop accepting, let requests in flight finish (Fastify's close waits for them),
 * close the database, exit 0.
 */
export function closeOnSignals(app: FastifyInstance): void {
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
