import type { FastifyContextConfig, FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../errors.js';
import type { IpFailureLimit } from './failure-limit.js';
import { holdsGrant, type ApiKeyVerifier, type TokenVerifier } from './route-config.js';

const BEARER = /^Bearer ([A-Za-z0-9\-_.]+)$/;
export const API_KEY_HEADER = 'x-api-key';

async function authenticate(request: FastifyRequest, verify: TokenVerifier) {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = BEARER.exec(header);
  if (!match) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Malformed Authorization header');
  return verify(match[1]!, { critical: request.routeOptions.config?.critical });
}

/**
 * An integrator's request: the key must be valid (else 401), and the route
 * must accept API keys with a scope the key holds (else 403). On a public
 * route a bad key is ignored, like a bad bearer token.
 */
async function authenticateApiKey(request: FastifyRequest, cfg: FastifyContextConfig | undefined, deps: AuthHookDeps) {
  const verify = deps.verifyApiKey;
  const raw = request.headers[API_KEY_HEADER];
  const check = async () => {
    if (typeof raw !== 'string' || !verify) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Invalid API key');
    if (request.headers.authorization)
      throw new AppError(ErrorCode.UNAUTHENTICATED, 'Send either a bearer token or an API key, not both');
    return verify(raw);
  };
  if (!cfg?.auth) {
    request.apiKey = await check().catch(async () => {
      await deps.failures.recordFailure(request.ip);
      return null;
    });
    return;
  }
  const key = await check();
  request.apiKey = key;
  if (!cfg.apiKeyScope) throw new AppError(ErrorCode.FORBIDDEN, 'This route does not accept API keys');
  if (!key.scopes.includes(cfg.apiKeyScope))
    throw new AppError(ErrorCode.FORBIDDEN, `API key lacks scope ${cfg.apiKeyScope}`);
}

export interface AuthHookDeps {
  verify: TokenVerifier;
  verifyApiKey?: ApiKeyVerifier;
  /** Failed credentials count per IP; an IP over its budget is refused before the lookup. */
  failures: IpFailureLimit;
}

async function checkCredentials(request: FastifyRequest, deps: AuthHookDeps) {
  const required = request.routeOptions.config?.auth;
  if (request.headers[API_KEY_HEADER] !== undefined)
    return authenticateApiKey(request, request.routeOptions.config, deps);
  if (!required) {
    // Public route: a token is optional, but a bad one is still not trusted (and still counts as a failure).
    request.user = await authenticate(request, deps.verify).catch(async () => {
      await deps.failures.recordFailure(request.ip);
      return null;
    });
    return;
  }
  const user = await authenticate(request, deps.verify);
  if (!user) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Missing bearer token');
  request.user = user;
  if (required !== 'any' && !holdsGrant(user, required)) {
    throw new AppError(ErrorCode.FORBIDDEN, `Requires role ${required.join(' or ')}`);
  }
}

/**
 * Authenticates every request that carries a token (or an API key) and
 * enforces the route's `auth` roles / `apiKeyScope`. Runs in onRequest so
 * unauthenticated callers are turned away before their body is even validated.
 * Every 401 counts against the caller's IP, so guessing tokens or keys runs
 * into 429 instead of costing a lookup each.
 */
export function installAuth(app: FastifyInstance, deps: AuthHookDeps) {
  app.decorateRequest('user', null);
  app.decorateRequest('apiKey', null);
  app.addHook('onRequest', async (request) => {
    const presented = request.headers.authorization !== undefined || request.headers[API_KEY_HEADER] !== undefined;
    if (presented) await deps.failures.assertAllowed(request.ip);
    try {
      await checkCredentials(request, deps);
    } catch (err) {
      if (presented && err instanceof AppError && err.code === ErrorCode.UNAUTHENTICATED)
        await deps.failures.recordFailure(request.ip);
      throw err;
    }
  });
}
