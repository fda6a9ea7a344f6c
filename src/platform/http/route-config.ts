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

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles allowed; 'any' = any signed-in user; omitted = public. */
    auth?: Role[] | 'any';
    /** Named limit from API.md's table; omitted = the default limit. */
    rateLimit?: RateLimitName | 'none';
    /** Honour the Idempotency-Key header (creating/moving POSTs). */
    idempotent?: boolean;
    /** Outside the envelope and /api/v1 rules (health, metrics, docs). */
    plain?: boolean;
  }
  interface FastifyRequest {
    user: AuthUser | null;
  }
}

/** The signed-in user; routes with `auth` set can rely on it. */
export function currentUser(request: { user: AuthUser | null }): AuthUser {
  if (!request.user) throw new Error('currentUser() on a route without auth');
  return request.user;
}
