import type { FastifyInstance } from 'fastify';
import { PullQuerySchema, PushRequestSchema, SCHEMA_VERSION, DEFAULT_PULL_LIMIT } from '../../shared/sync/wire';
import { badRequest, upgradeRequired } from '../http/errors';
import { parseInput } from '../http/validate';
import { accessOf } from '../plugins/authenticate';
import { CursorError } from '../sync/cursor';
import { PullService } from '../sync/pull-service';
import { PushService } from '../sync/push-service';

/** 500 attendance marks with notes of 500 Vietnamese characters approach 1 MB; leave room above it. */
const PUSH_BODY_LIMIT = 4 * 1024 * 1024;

const OUTDATED = `Ứng dụng đã cũ, hãy cập nhật; các thay đổi chờ đồng bộ vẫn được giữ (the app is out of date: update it; unsynced changes are kept)`;

/**
 * An outdated client is told to update before its body is judged: its body may follow an older contract, and
 * a 400 would make it park its outbox as "needs attention" instead of updating.
 */
function checkSchemaVersion(version: unknown): void {
  if (typeof version === 'number' && version < SCHEMA_VERSION) throw upgradeRequired(OUTDATED);
}

export function syncRoutes(app: FastifyInstance): void {
  const push = new PushService(app.ctx.db);
  const pull = new PullService(app.ctx.db);

  app.post('/api/sync/push', { preHandler: app.authenticate, bodyLimit: PUSH_BODY_LIMIT }, async (request) => {
    const body = request.body;
    if (body !== null && typeof body === 'object') checkSchemaVersion((body as { schemaVersion?: unknown }).schemaVersion);
    const input = parseInput(PushRequestSchema, body);
    return push.push(accessOf(request), input);
  });

  app.get('/api/sync/pull', { preHandler: app.authenticate }, async (request) => {
    const raw = (request.query as Record<string, unknown> | undefined)?.schemaVersion;
    if (typeof raw === 'string' && /^\d+$/.test(raw)) checkSchemaVersion(Number(raw));
    const query = parseInput(PullQuerySchema, request.query, 'tham số đồng bộ');
    try {
      return await pull.pull(accessOf(request), query.cursor, query.limit ?? DEFAULT_PULL_LIMIT, query.clientId);
    } catch (error) {
      if (error instanceof CursorError) {
        throw badRequest('Mốc đồng bộ không hợp lệ (invalid sync cursor)', [{ field: 'cursor', message: error.message }]);
      }
      throw error;
    }
  });
}
