import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  ApplyImportSchema,
  IMPORT_MAX_BYTES,
  ImportIdParamsSchema,
  ImportParamsSchema,
  ImportQuerySchema,
} from '../../shared/roster-import';
import { HttpError } from '../http/errors';
import { parseInput } from '../http/validate';
import { ACCEPTED_TYPES } from '../imports/read-file';
import { ImportService } from '../imports/import-service';
import { accessOf } from '../plugins/authenticate';

/**
 * Roster imports (issue #8): upload a sector-database export for a preview, look at it again, apply it. The upload
 * body is the file itself (xlsx or CSV bytes, up to 20 MB), read by a parser that lives only in this plugin's scope:
 * other routes keep refusing anything but JSON.
 */
export function importRoutes(app: FastifyInstance): void {
  const imports = new ImportService(app.ctx.db.kysely);

  void app.register(async (scope) => {
    // Everything that is not JSON arrives as bytes; the handler then accepts only spreadsheet types (or none, sniffed).
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: IMPORT_MAX_BYTES }, (_req, body, done) => done(null, body));

    scope.post('/api/schools/:id/imports', { preHandler: scope.authenticate, bodyLimit: IMPORT_MAX_BYTES }, async (request, reply) => {
      const bytes = uploadedBytes(request);
      const params = parseInput(ImportParamsSchema, request.params, 'đường dẫn');
      const query = parseInput(ImportQuerySchema, request.query, 'tham số');
      const view = await imports.preview(accessOf(request), params.id, query.kind, query.schoolYearId, bytes);
      return reply.status(201).send(view);
    });

    scope.get('/api/imports/:id', { preHandler: scope.authenticate }, async (request) => {
      const { id } = parseInput(ImportIdParamsSchema, request.params, 'đường dẫn');
      return imports.get(accessOf(request), id);
    });

    scope.post('/api/imports/:id/apply', { preHandler: scope.authenticate, bodyLimit: 1024 }, async (request) => {
      if (Buffer.isBuffer(request.body)) throw unsupportedBody();
      const { id } = parseInput(ImportIdParamsSchema, request.params, 'đường dẫn');
      const { confirm } = parseInput(ApplyImportSchema, request.body);
      return imports.apply(accessOf(request), id, confirm);
    });
  });
}

const unsupportedBody = () =>
  new HttpError(415, 'unsupported_media_type', 'Loại dữ liệu không được nhận ở đây (unsupported content type)');

/** The upload's bytes, if its declared type is one a spreadsheet may carry; otherwise 415 before anything else. */
function uploadedBytes(request: FastifyRequest): Uint8Array {
  const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== undefined && !ACCEPTED_TYPES.has(type)) {
    throw new HttpError(
      415,
      'unsupported_media_type',
      'Chỉ nhận tệp Excel (.xlsx) hoặc CSV gửi nguyên tệp (only a raw .xlsx or CSV file body is accepted)',
    );
  }
  const body = request.body;
  if (body === undefined || body === null) return new Uint8Array(0);
  if (!Buffer.isBuffer(body)) throw unsupportedBody();
  return body;
}
