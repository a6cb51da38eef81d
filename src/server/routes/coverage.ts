import type { FastifyInstance } from 'fastify';
import { CoverageQuerySchema, SchoolCoverageParamsSchema, SchoolCoverageQuerySchema } from '../../shared/coverage/wire';
import { parseInput } from '../http/validate';
import { accessOf } from '../plugins/authenticate';

/**
 * Coverage of the plan's targets, worked out afresh on every call (read-only, safe to repeat):
 * - GET /api/coverage: every school of a unit (officers covering it, admins; a school's own staff for the school);
 * - GET /api/coverage/schools/:id: one school per class, with the people still missing (named only to those who
 *   may read the school's roster).
 */
export function coverageRoutes(app: FastifyInstance): void {
  const coverage = app.ctx.coverage;

  app.get('/api/coverage', { preHandler: app.authenticate }, async (request) => {
    const query = parseInput(CoverageQuerySchema, request.query, 'tham số');
    return coverage.unitCoverage(accessOf(request), query, new Date());
  });

  app.get('/api/coverage/schools/:id', { preHandler: app.authenticate }, async (request) => {
    const params = parseInput(SchoolCoverageParamsSchema, request.params, 'đường dẫn');
    const query = parseInput(SchoolCoverageQuerySchema, request.query, 'tham số');
    return coverage.schoolCoverage(accessOf(request), params.id, query, new Date());
  });
}
