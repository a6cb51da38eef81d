import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { configureValidationMessages } from '../shared/validation';
import type { Config } from './config';
import type { Db } from './db';
import { AuthService } from './auth/auth-service';
import { OrgTreeCache } from './services/org-tree';
import { CoverageService } from './coverage/service';
import { registerErrorHandler } from './plugins/errors';
import { registerSecurity } from './plugins/security';
import { registerAuthenticate } from './plugins/authenticate';
import { registerStatic } from './plugins/static';
import { healthRoutes } from './routes/health';
import { authRoutes } from './routes/auth';
import { syncRoutes } from './routes/sync';
import { calendarRoutes } from './routes/calendar';
import { dueRoutes } from './routes/due';
import { coverageRoutes } from './routes/coverage';
import { filesRoutes } from './routes/files';
import { attendanceRoutes } from './routes/attendance';
import { materialRoutes } from './routes/materials';
import { reportRoutes } from './routes/reports';
import { importRoutes } from './routes/imports';
import { orgRoutes } from './routes/org';
import { accountRoutes } from './routes/accounts';
import { personRoutes } from './routes/persons';

/** What routes and services share: built once per app. */
export interface AppContext {
  config: Config;
  db: Db;
  orgTree: OrgTreeCache;
  auth: AuthService;
  /** One per app, so that its counts kept in memory serve every request and the background roll-up alike. */
  coverage: CoverageService;
}

declare module 'fastify' {
  interface FastifyInstance {
    ctx: AppContext;
  }
}

export interface BuildAppOptions {
  config: Config;
  db: Db;
  /** Built client to serve; absent in API-only tests. */
  clientDir?: string;
  logger?: boolean;
  /** Where log lines go instead of stdout; tests read them to prove no secret is logged. */
  loggerStream?: { write(line: string): void };
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** The whole server as a plugin tree; `server.ts` only listens. Tests build it and call `inject`. */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config, db } = options;
  configureValidationMessages(z, 'vi');
  const app = Fastify({
    logger:
      options.logger === false
        ? false
        : {
            level: config.logLevel,
            // Never a password, token or personal data in the logs.
            redact: ['req.headers.authorization', 'req.headers.cookie', 'body.password', 'password', 'token'],
            ...(options.loggerStream ? { stream: options.loggerStream } : {}),
          },
    bodyLimit: 1024 * 1024,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    trustProxy: true,
    return503OnClosing: true,
  });

  app.decorate('ctx', {
    config,
    db,
    orgTree: new OrgTreeCache(db.kysely),
    auth: new AuthService(db.kysely, config.tokenTtlMs),
    coverage: new CoverageService(db.kysely),
  });
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  app.addHook('onSend', async (request, reply) => {
    // A route that set its own caching keeps it (content-addressed files are immutable); every other answer is no-store.
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
  });

  registerErrorHandler(app);
  await registerSecurity(app);
  registerAuthenticate(app);

  healthRoutes(app);
  authRoutes(app);
  syncRoutes(app);
  calendarRoutes(app);
  dueRoutes(app);
  coverageRoutes(app);
  filesRoutes(app);
  attendanceRoutes(app);
  materialRoutes(app);
  reportRoutes(app);
  importRoutes(app);
  orgRoutes(app);
  accountRoutes(app);
  personRoutes(app);

  await registerStatic(app, options.clientDir ?? '');
  return app;
}
