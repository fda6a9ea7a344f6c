import type { RateLimitName } from './rate-limit.js';

export type Role = 'rider' | 'driver' | 'admin';

/** Who is calling, as established by the bearer token (or an API key later). */
export interface AuthUser {
  id: string;
  role: Role;
  sessionId: string;
  tokenExpiresAt: number;
}

/** Verifies a bearer token; provided by the auth module, used by the platform hooks. */
export type TokenVerifier = (token: string) => Promise<AuthUser>;

/**
 * What an integrator's API key may do. Each scope is named by a route's
 * `apiKeyScope`; a route without one refuses API keys.
 */
export const API_SCOPES = ['pricing:read', 'trips:read'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** A server-to-server caller, established by the `X-API-Key` header. */
export interface ApiKeyPrincipal {
  id: string;
  name: string;
  scopes: ApiScope[];
}

/** Resolves a presented API key; throws 401 UNAUTHENTICATED for an unknown or revoked one. */
export type ApiKeyVerifier = (key: string) => Promise<ApiKeyPrincipal>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles allowed; 'any' = any signed-in user; omitted = public. */
    auth?: Role[] | 'any';
    /** Named limit from API.md's table; omitted = the default limit. */
    rateLimit?: RateLimitName | 'none';
    /**
     * Honour the Idempotency-Key header (creating/moving POSTs). Never on a route
     * whose reply holds credentials (signup, login, refresh): the reply is stored for 24 h.
     */
    idempotent?: boolean;
    /** Outside the envelope and /api/v1 rules (health, metrics, docs). */
    plain?: boolean;
    /** Lets integrators holding this scope call the route with `X-API-Key`; omitted = API keys refused. */
    apiKeyScope?: ApiScope;
  }
  interface FastifyRequest {
    user: AuthUser | null;
    /** Set instead of `user` when the caller presented an API key. */
    apiKey: ApiKeyPrincipal | null;
  }
}

/** The signed-in user; routes with `auth` set can rely on it. */
export function currentUser(request: { user: AuthUser | null }): AuthUser {
  if (!request.user) throw new Error('currentUser() on a route without auth');
  return request.user;
}

/** Who asked, for records that name the caller: the signed-in user, or the integrator's key. */
export function callerId(request: { user: AuthUser | null; apiKey: ApiKeyPrincipal | null }): string {
  const id = request.user?.id ?? request.apiKey?.id;
  if (!id) throw new Error('callerId() on a route without auth');
  return id;
}
