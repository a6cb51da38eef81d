import type { FastifyInstance } from 'fastify';
import type { CoverageSource } from './figures';

/**
 * A report's indicators are coverage-core's figures for the report's unit and period (term I or the whole year),
 * the same numbers `/api/coverage` shows, asked with the writer's own access.
 */
export function reportCoverageSource(app: FastifyInstance): CoverageSource {
  const coverage = app.ctx.coverage;
  return async (access, query, now) => {
    const answer = await coverage.unitCoverage(access, query, now);
    return { totals: answer.totals, schools: answer.schools };
  };
}
