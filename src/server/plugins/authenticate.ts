import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Access } from '../auth/access';
import { unauthorized } from '../http/errors';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `app.authenticate` on every route that needs a signed-in user. */
    access: Access | null;
    bearer: string | null;
  }
  interface FastifyInstance {
    authenticate: (request: FastifyRequest) => Promise<void>;
  }
}

function bearerOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header?.startsWith('Bearer ')) return null;
  const token = header.slice(7).trim();
  return token.length >= 20 && token.length <= 200 ? token : null;
}

export function registerAuthenticate(app: FastifyInstance): void {
  app.decorateRequest('access', null);
  app.decorateRequest('bearer', null);
  app.decorate('authenticate', async (request: FastifyRequest) => {
    const token = bearerOf(request);
    if (!token) throw unauthorized();
    const principal = await app.ctx.auth.principalFor(token);
    if (!principal) throw unauthorized('Phiên đăng nhập đã hết hạn, hãy đăng nhập lại (session expired)');
    request.bearer = token;
    request.access = new Access(principal, await app.ctx.orgTree.get());
  });
}

/** The caller's access, for handlers behind `app.authenticate`. */
export function accessOf(request: FastifyRequest): Access {
  if (!request.access) throw unauthorized();
  return request.access;
}
