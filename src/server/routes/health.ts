import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { APP_VERSION } from '../version';

export function healthRoutes(app: FastifyInstance): void {
  app.get('/api/health', async () => {
    await sql`select 1`.execute(app.ctx.db.kysely);
    return { status: 'ok', db: app.ctx.db.kind, version: APP_VERSION };
  });
}
