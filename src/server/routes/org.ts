import type { FastifyInstance } from 'fastify';
import type { Transaction } from 'kysely';
import { newId } from '../../shared/domain/ids';
import {
  IdParamsSchema,
  UnitClusterSchema,
  UnitCreateSchema,
  UnitMoveSchema,
  UnitRenameSchema,
  type OrgUnitView,
  type UnitMembershipView,
} from '../../shared/org/api';
import { hanoiDate } from '../../shared/time';
import type { Access } from '../auth/access';
import type { Database } from '../db/schema';
import { reserveVersions } from '../db/versions';
import { badRequest, notFound } from '../http/errors';
import { parseInput } from '../http/validate';
import { accessOf } from '../plugins/authenticate';
import { writeAudit } from '../services/audit';

/**
 * The organisation tree (issue #8 item 2): units of any kind and depth, cluster membership, moving a unit (a school,
 * usually) to another parent. Officers change the tree within their scope; admins anywhere. A move keeps history:
 * the old membership is closed on the day of the move and a new one opened, so past years' coverage can still be
 * rolled up to the old parent (unit_memberships), while `units.parent_id` says where the unit is now.
 *
 * A unit row lives in its parent's stream (the root in its own): after a move it is written in the new parent's
 * stream, which the school's devices pull from then on (Access.pullStreams follows the tree).
 */
export function orgRoutes(app: FastifyInstance): void {
  const db = app.ctx.db.kysely;
  const unitNotFound = () => notFound('Không tìm thấy đơn vị (unit not found)');

  const view = (r: Database['units']): OrgUnitView => ({
    id: r.id,
    kind: r.kind,
    name: r.name,
    code: r.code,
    parentId: r.parent_id,
    clusterId: r.cluster_id,
    schoolLevel: r.school_level,
    status: r.status,
  });

  async function manageableUnit(access: Access, id: string) {
    if (!access.canManageUnit(id)) throw unitNotFound();
    const unit = await db.selectFrom('units').selectAll().where('id', '=', id).executeTakeFirst();
    if (!unit) throw unitNotFound();
    return unit;
  }

  /** Closes the open membership of a unit on one axis and opens a new one (none when `parentId` is null). */
  async function rehome(trx: Transaction<Database>, unitId: string, axis: 'tree' | 'cluster', parentId: string | null, today: string) {
    await trx
      .updateTable('unit_memberships')
      .set({ valid_to: today })
      .where('unit_id', '=', unitId)
      .where('axis', '=', axis)
      .where('valid_to', 'is', null)
      .execute();
    if (parentId) {
      await trx
        .insertInto('unit_memberships')
        .values({ id: newId(), unit_id: unitId, parent_id: parentId, axis, valid_from: today, valid_to: null })
        .execute();
    }
  }

  const done = async (access: Access, action: string, unitId: string, details?: Record<string, string | null>) => {
    app.ctx.orgTree.invalidate();
    await writeAudit(db, { userId: access.userId, action, entity: 'unit', entityId: unitId, ...(details ? { details } : {}) });
    const row = await db.selectFrom('units').selectAll().where('id', '=', unitId).executeTakeFirstOrThrow();
    return view(row);
  };

  /** The units the caller can see (their scope and the units above it, for context), in name order. */
  app.get('/api/org/units', { preHandler: app.authenticate }, async (request) => {
    const access = accessOf(request);
    const rows = await db.selectFrom('units').selectAll().orderBy('name').execute();
    return { units: rows.filter((r) => access.canSeeUnit(r.id)).map(view) };
  });

  app.get('/api/org/units/:id/history', { preHandler: app.authenticate }, async (request) => {
    const { id } = parseInput(IdParamsSchema, request.params, 'mã đơn vị');
    const access = accessOf(request);
    if (!access.canManageUnit(id)) throw unitNotFound();
    const rows = await db
      .selectFrom('unit_memberships')
      .select(['parent_id', 'axis', 'valid_from', 'valid_to'])
      .where('unit_id', '=', id)
      .orderBy('valid_from')
      .execute();
    const history: UnitMembershipView[] = rows.map((r) => ({ parentId: r.parent_id, axis: r.axis, validFrom: r.valid_from, validTo: r.valid_to }));
    return { history };
  });

  app.post('/api/org/units', { preHandler: app.authenticate, bodyLimit: 8192 }, async (request, reply) => {
    const body = parseInput(UnitCreateSchema, request.body);
    const access = accessOf(request);
    await manageableUnit(access, body.parentId);
    if (body.kind === 'school' && body.schoolLevel === null) {
      throw badRequest('Trường cần có cấp học (a school needs its level)', [{ field: 'schoolLevel', message: 'hãy chọn cấp học' }]);
    }
    const id = body.id ?? newId();
    if (await db.selectFrom('units').select('id').where('id', '=', id).executeTakeFirst()) {
      throw badRequest('Mã đơn vị đã tồn tại (unit id already exists)', [{ field: 'id', message: 'đã tồn tại' }]);
    }
    const now = new Date().toISOString();
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('units')
        .values({
          id,
          kind: body.kind,
          name: body.name,
          code: body.code,
          parent_id: body.parentId,
          cluster_id: null,
          school_level: body.schoolLevel,
          status: 'active',
          created_at: now,
          updated_at: now,
          stream: body.parentId,
          version: await reserveVersions(trx, body.parentId),
        })
        .execute();
      await rehome(trx, id, 'tree', body.parentId, hanoiDate(now));
    });
    return reply.status(201).send(await done(access, 'unit.create', id));
  });

  app.patch('/api/org/units/:id', { preHandler: app.authenticate, bodyLimit: 8192 }, async (request) => {
    const { id } = parseInput(IdParamsSchema, request.params, 'mã đơn vị');
    const body = parseInput(UnitRenameSchema, request.body);
    const access = accessOf(request);
    const unit = await manageableUnit(access, id);
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('units')
        .set({
          name: body.name,
          ...(body.code !== undefined ? { code: body.code } : {}),
          updated_at: new Date().toISOString(),
          version: await reserveVersions(trx, unit.stream),
        })
        .where('id', '=', id)
        .execute();
    });
    return done(access, 'unit.rename', id);
  });

  app.post('/api/org/units/:id/move', { preHandler: app.authenticate, bodyLimit: 4096 }, async (request) => {
    const { id } = parseInput(IdParamsSchema, request.params, 'mã đơn vị');
    const body = parseInput(UnitMoveSchema, request.body);
    const access = accessOf(request);
    const unit = await manageableUnit(access, id);
    // Both ends of the move must be the caller's: an officer cannot take a school out of, or into, another's scope.
    if (unit.parent_id === null || !access.canManageUnit(unit.parent_id)) throw unitNotFound();
    const target = await manageableUnit(access, body.parentId);
    if (access.tree.subtree(id).has(target.id) || target.kind === 'school') {
      throw badRequest('Không chuyển được vào chính nó, đơn vị con của nó hay một trường (cannot move under itself, its own subtree or a school)', [
        { field: 'parentId', message: 'đơn vị cha không hợp lệ' },
      ]);
    }
    if (unit.parent_id === body.parentId) return view(unit);
    const now = new Date().toISOString();
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('units')
        .set({ parent_id: body.parentId, updated_at: now, stream: body.parentId, version: await reserveVersions(trx, body.parentId) })
        .where('id', '=', id)
        .execute();
      await rehome(trx, id, 'tree', body.parentId, hanoiDate(now));
    });
    return done(access, 'unit.move', id, { from: unit.parent_id, to: body.parentId });
  });

  app.post('/api/org/units/:id/cluster', { preHandler: app.authenticate, bodyLimit: 4096 }, async (request) => {
    const { id } = parseInput(IdParamsSchema, request.params, 'mã đơn vị');
    const body = parseInput(UnitClusterSchema, request.body);
    const access = accessOf(request);
    const unit = await manageableUnit(access, id);
    if (body.clusterId !== null) {
      const cluster = await manageableUnit(access, body.clusterId);
      if (cluster.kind !== 'cluster') {
        throw badRequest('Đơn vị này không phải cụm chuyên môn (not a cluster)', [{ field: 'clusterId', message: 'không phải cụm' }]);
      }
    } else if (unit.cluster_id !== null && !access.canManageUnit(unit.cluster_id)) {
      throw unitNotFound();
    }
    if (unit.cluster_id === body.clusterId) return view(unit);
    const now = new Date().toISOString();
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('units')
        .set({ cluster_id: body.clusterId, updated_at: now, version: await reserveVersions(trx, unit.stream) })
        .where('id', '=', id)
        .execute();
      await rehome(trx, id, 'cluster', body.clusterId, hanoiDate(now));
    });
    return done(access, 'unit.cluster', id, { from: unit.cluster_id, to: body.clusterId });
  });
}
