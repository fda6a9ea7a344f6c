import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../errors.js';
import type { TokenVerifier } from './route-config.js';

const BEARER = /^Bearer ([A-Za-z0-9\-_.]+)$/;

async function authenticate(request: FastifyRequest, verify: TokenVerifier) {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = BEARER.exec(header);
  if (!match) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Malformed Authorization header');
  return verify(match[1]!);
}

/**
 * Authenticates every request that carries a token and enforces the route's
 * `auth` roles. Runs in onRequest so unauthenticated callers are turned away
 * before their body is even validated.
 */
export function installAuth(app: FastifyInstance, verify: TokenVerifier) {
  app.decorateRequest('user', null);
  app.addHook('onRequest', async (request) => {
    const required = request.routeOptions.config?.auth;
    if (!required) {
      // Public route: a token is optional, but a bad one is still not trusted.
      request.user = await authenticate(request, verify).catch(() => null);
      return;
    }
    const user = await authenticate(request, verify);
    if (!user) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Missing bearer token');
    request.user = user;
    if (required !== 'any' && !required.includes(user.role)) {
      throw new AppError(ErrorCode.FORBIDDEN, `Requires role ${required.join(' or ')}`);
    }
  });
}
