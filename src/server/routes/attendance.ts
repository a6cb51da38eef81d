import type { FastifyInstance } from 'fastify';
import { DisagreementsParamsSchema } from '../../shared/domain/disagreements';
import { notFound } from '../http/errors';
import { parseInput } from '../http/validate';
import { accessOf } from '../plugins/authenticate';
import { sessionDisagreements } from '../services/disagreements';

/**
 * Online views of attendance for the school leadership. Read-only, so repeating a request is always safe.
 */
export function attendanceRoutes(app: FastifyInstance): void {
  app.get('/api/sessions/:id/disagreements', { preHandler: app.authenticate }, async (request) => {
    const { id } = parseInput(DisagreementsParamsSchema, request.params, 'tham số');
    const answer = await sessionDisagreements(app.ctx.db.kysely, accessOf(request), id);
    if (!answer) throw notFound();
    return answer;
  });
}
