import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Access } from '../auth/access';
import { forbidden, unauthorized } from '../http/errors';

/** What an account that must change its initial password may still call (issue #8: forced change at first sign-in). */
const INITIAL_PASSWORD_ROUTES = new Set(['/api/auth/me', '/api/auth/password', '/api/auth/logout', '/api/auth/refresh']);

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
    // An account still on its initial (or reset) password, which someone else has seen, may do nothing but change it.
    if (principal.mustChangePassword && !INITIAL_PASSWORD_ROUTES.has(request.routeOptions.url ?? '')) {
      throw forbidden('Cần đổi mật khẩu ban đầu trước khi tiếp tục (change your initial password first)');
    }
    request.bearer = token;
    request.access = new Access(principal, await app.ctx.orgTree.get());
  });
}

/** The caller's access, for handlers behind `app.authenticate`. */
export function accessOf(request: FastifyRequest): Access {
  if (!request.access) throw unauthorized();
  return request.access;
}
