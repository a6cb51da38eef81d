import type { FastifyInstance } from 'fastify';
import { BulkAccountsSchema, GrantSchema, IdParamsSchema } from '../../shared/org/api';
import { parseInput } from '../http/validate';
import { accessOf } from '../plugins/authenticate';
import { AccountService } from '../services/account-service';

/**
 * Accounts of a school's staff (issue #8 item 4): bulk creation with initial passwords shown once, password reset,
 * role grants and withdrawals, deactivation. Every answer that carries an initial password is `no-store` (set for
 * all of /api in app.ts) and the password is never written anywhere but the hash.
 */
export function accountRoutes(app: FastifyInstance): void {
  const accounts = new AccountService(app.ctx.db.kysely);

  app.get('/api/schools/:id/accounts', { preHandler: app.authenticate }, async (request) => {
    const { id } = parseInput(IdParamsSchema, request.params, 'mã trường');
    const access = accessOf(request);
    return { accounts: await accounts.list(access, id), staffWithoutAccount: await accounts.staffWithoutAccount(access, id) };
  });

  app.post('/api/schools/:id/accounts/bulk', { preHandler: app.authenticate, bodyLimit: 64 * 1024 }, async (request, reply) => {
    const { id } = parseInput(IdParamsSchema, request.params, 'mã trường');
    const body = parseInput(BulkAccountsSchema, request.body);
    const result = await accounts.bulkCreate(accessOf(request), id, body.personIds, body.role);
    return reply.status(result.created.length > 0 ? 201 : 200).send(result);
  });

  app.post('/api/accounts/:id/reset-password', { preHandler: app.authenticate, bodyLimit: 1024 }, async (request) => {
    const { id } = parseInput(IdParamsSchema, request.params, 'mã tài khoản');
    return accounts.resetPassword(accessOf(request), id);
  });

  app.post('/api/accounts/:id/grants', { preHandler: app.authenticate, bodyLimit: 4096 }, async (request, reply) => {
    const { id } = parseInput(IdParamsSchema, request.params, 'mã tài khoản');
    const body = parseInput(GrantSchema, request.body);
    await accounts.addGrant(accessOf(request), id, body.role, body.unitId);
    return reply.status(204).send();
  });

  app.post('/api/accounts/:id/grants/remove', { preHandler: app.authenticate, bodyLimit: 4096 }, async (request, reply) => {
    const { id } = parseInput(IdParamsSchema, request.params, 'mã tài khoản');
    const body = parseInput(GrantSchema, request.body);
    await accounts.removeGrant(accessOf(request), id, body.role, body.unitId);
    return reply.status(204).send();
  });

  app.post('/api/accounts/:id/deactivate', { preHandler: app.authenticate, bodyLimit: 1024 }, async (request, reply) => {
    const { id } = parseInput(IdParamsSchema, request.params, 'mã tài khoản');
    await accounts.setActive(accessOf(request), id, false);
    return reply.status(204).send();
  });

  app.post('/api/accounts/:id/activate', { preHandler: app.authenticate, bodyLimit: 1024 }, async (request, reply) => {
    const { id } = parseInput(IdParamsSchema, request.params, 'mã tài khoản');
    await accounts.setActive(accessOf(request), id, true);
    return reply.status(204).send();
  });
}
