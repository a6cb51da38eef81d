import type { FastifyInstance } from 'fastify';
import {
  MaterialCreateInputSchema,
  MaterialIdParamsSchema,
  MaterialQuerySchema,
  MaterialUpdateInputSchema,
  MaterialVersionInputSchema,
} from '../../shared/materials/library';
import { parseInput } from '../http/validate';
import { accessOf } from '../plugins/authenticate';
import { diskMaterialFiles } from '../services/material-files';
import { MaterialService } from '../services/material-service';

/**
 * The material library (issue #6; owner: the materials helper).
 *
 * For the upload form (files helper): upload the bytes with purpose "material" (POST/PATCH /api/files/uploads) until
 * the store answers `complete: true`, then
 *   POST /api/materials {sha256, title, description?, activityTypeId?, schoolLevel?, schoolYearId?, tags?,
 *                        ownerUnitId, schoolId?}  → 201 Material (src/shared/domain/records.ts)
 * `ownerUnitId` = the school for a school's own material (then `schoolId` = the same id), or the unit whose library
 * it joins (schoolId null). mime and size come from the stored file, never from the request. 400 with field
 * `sha256` when no complete file of a material type has that hash; 403 when the user may not publish there
 * (Access.canPublishMaterial); 404 for a library outside the user's scope.
 * A new version of the file: POST /api/materials/:id/versions {sha256} → 200 Material (versionNo + 1).
 *
 * In the client, `publishMaterial` / `addMaterialVersion` (src/client/features/materials/materials-api.ts) make these calls.
 * GET /api/files/:sha256 (files helper) may ask `MaterialService.canReadFile(access, sha256)` for material bytes.
 */
export function materialRoutes(app: FastifyInstance): void {
  const service = new MaterialService(app.ctx.db.kysely, diskMaterialFiles(app.ctx.config.dataDir));

  app.get('/api/materials', { preHandler: app.authenticate }, async (request) => {
    const query = parseInput(MaterialQuerySchema, request.query, 'tham số');
    return service.search(accessOf(request), query);
  });

  app.get('/api/materials/:id', { preHandler: app.authenticate }, async (request) => {
    const { id } = parseInput(MaterialIdParamsSchema, request.params, 'đường dẫn');
    return service.detail(accessOf(request), id);
  });

  app.post('/api/materials', { preHandler: app.authenticate, bodyLimit: 64 * 1024 }, async (request, reply) => {
    const input = parseInput(MaterialCreateInputSchema, request.body);
    const material = await service.create(accessOf(request), input);
    return reply.code(201).send(material);
  });

  app.patch('/api/materials/:id', { preHandler: app.authenticate, bodyLimit: 64 * 1024 }, async (request) => {
    const { id } = parseInput(MaterialIdParamsSchema, request.params, 'đường dẫn');
    const input = parseInput(MaterialUpdateInputSchema, request.body);
    return service.update(accessOf(request), id, input);
  });

  app.post('/api/materials/:id/versions', { preHandler: app.authenticate, bodyLimit: 4096 }, async (request) => {
    const { id } = parseInput(MaterialIdParamsSchema, request.params, 'đường dẫn');
    const { sha256 } = parseInput(MaterialVersionInputSchema, request.body);
    return service.addVersion(accessOf(request), id, sha256);
  });

  // Archiving, not deleting: sessions that already use the material keep it; it leaves the library.
  app.delete('/api/materials/:id', { preHandler: app.authenticate }, async (request) => {
    const { id } = parseInput(MaterialIdParamsSchema, request.params, 'đường dẫn');
    return service.archive(accessOf(request), id);
  });
}
