import type { FastifyInstance } from 'fastify';
import { ChangePasswordSchema, LoginRequestSchema } from '../../shared/auth';
import { parseInput } from '../http/validate';
import { accessOf } from '../plugins/authenticate';

export function authRoutes(app: FastifyInstance): void {
  const auth = app.ctx.auth;

  app.post('/api/auth/login', { bodyLimit: 4096 }, async (request) => {
    const body = parseInput(LoginRequestSchema, request.body);
    return auth.login(body.username, body.password, request.ip);
  });

  app.get('/api/auth/me', { preHandler: app.authenticate }, async (request) => {
    return auth.sessionUser(accessOf(request).userId);
  });

  app.post('/api/auth/refresh', { preHandler: app.authenticate, bodyLimit: 1024 }, async (request) => {
    return auth.refresh(request.bearer!, accessOf(request).userId);
  });

  app.post('/api/auth/logout', { preHandler: app.authenticate, bodyLimit: 1024 }, async (request, reply) => {
    await auth.logout(request.bearer!);
    return reply.status(204).send();
  });

  app.post('/api/auth/password', { preHandler: app.authenticate, bodyLimit: 4096 }, async (request, reply) => {
    const body = parseInput(ChangePasswordSchema, request.body);
    await auth.changePassword(accessOf(request).userId, body.currentPassword, body.newPassword);
    return reply.status(204).send();
  });
}
