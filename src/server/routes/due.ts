import type { FastifyInstance } from 'fastify';
import { UnitDueQuerySchema } from '../../shared/plan/due-wire';
import { parseInput } from '../http/validate';
import { accessOf } from '../plugins/authenticate';
import { DueService } from '../services/due-service';

/**
 * What is due at each school under a unit, for officers (whose devices hold no school's sessions) and for a
 * school's own staff. Read-only and worked out afresh on every call, so repeating it is always safe.
 */
export function dueRoutes(app: FastifyInstance): void {
  const due = new DueService(app.ctx.db.kysely);

  app.get('/api/due', { preHandler: app.authenticate }, async (request) => {
    const query = parseInput(UnitDueQuerySchema, request.query, 'tham số');
    return due.unitDue(accessOf(request), query, new Date());
  });
}
