import type { FastifyInstance } from 'fastify';
import {
  ReportDraftInputSchema,
  ReportIdParamsSchema,
  ReportListQuerySchema,
} from '../../shared/reports/wire';
import { parseInput } from '../http/validate';
import { accessOf } from '../plugins/authenticate';
import { ReportService } from '../reports/report-service';
import { reportFileDisposition, reportWorkbook } from '../reports/xlsx';
import { reportCoverageSource } from '../reports/coverage-source';

/**
 * Term and year-end reports: a school (or unit) keeps a draft, submits it to the level above, which acknowledges
 * it. Online only; every answer that changes nothing is safe to repeat (submitting or acknowledging twice included).
 */
export function reportRoutes(app: FastifyInstance): void {
  const reports = new ReportService(app.ctx.db.kysely, reportCoverageSource(app));
  const auth = { preHandler: app.authenticate };

  app.get('/api/reports', auth, async (request) => {
    const query = parseInput(ReportListQuerySchema, request.query, 'tham số');
    return { reports: await reports.list(accessOf(request), query) };
  });

  app.put('/api/reports/:id', { ...auth, bodyLimit: 64 * 1024 }, async (request, reply) => {
    const { id } = parseInput(ReportIdParamsSchema, request.params, 'đường dẫn');
    const input = parseInput(ReportDraftInputSchema, request.body);
    const { report, created } = await reports.saveDraft(accessOf(request), id, input, new Date());
    return reply.code(created ? 201 : 200).send(report);
  });

  app.get('/api/reports/:id', auth, async (request) => {
    const { id } = parseInput(ReportIdParamsSchema, request.params, 'đường dẫn');
    return reports.get(accessOf(request), id);
  });

  app.post('/api/reports/:id/submit', { ...auth, bodyLimit: 1024 }, async (request) => {
    const { id } = parseInput(ReportIdParamsSchema, request.params, 'đường dẫn');
    return reports.submit(accessOf(request), id, new Date());
  });

  app.post('/api/reports/:id/acknowledge', { ...auth, bodyLimit: 1024 }, async (request) => {
    const { id } = parseInput(ReportIdParamsSchema, request.params, 'đường dẫn');
    return reports.acknowledge(accessOf(request), id, new Date());
  });

  app.get('/api/reports/:id/xlsx', auth, async (request, reply) => {
    const { id } = parseInput(ReportIdParamsSchema, request.params, 'đường dẫn');
    const report = await reports.get(accessOf(request), id);
    const body = await reportWorkbook(report);
    return reply
      .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', reportFileDisposition(report))
      .send(body);
  });
}
