import type { ErrorCode } from '../errors.js';
import type { RateLimitName } from './rate-limit.js';

export type Role = 'rider' | 'driver' | 'admin';

/** Console roles an admin grants on top of a user's role (migration 0039); `admin` holds every one. */
export const STAFF_ROLES = ['dispatcher', 'finance', 'support'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
/** What a route's `auth` may name: a user's role or a staff role. */
export type Grant = Role | StaffRole;

/**
 * Who may call each console route group (issue 19): admins always; dispatchers run the live
 * fleet (map, trips, drivers, SOS); finance the money (wallets, payouts, refunds, reports);
 * support reads trips and chat and refunds up to SUPPORT_REFUND_LIMIT.
 */
export const STAFF_ACCESS = {
  fleet: ['admin', 'dispatcher'],
  trips: ['admin', 'dispatcher', 'support'],
  money: ['admin', 'finance'],
  refunds: ['admin', 'finance', 'support'],
} as const satisfies Record<string, Grant[]>;

/** Who is calling, as established by the bearer token (or an API key later). */
export interface AuthUser {
  id: string;
  role: Role;
  /** Staff roles read from the user's row with the role (empty for most users). */
  staffRoles?: readonly StaffRole[];
  sessionId: string;
  tokenExpiresAt: number;
}

/** Verifies a bearer token; provided by the auth module, used by the platform hooks. */
export type TokenVerifier = (token: string, opts?: { critical?: boolean }) => Promise<AuthUser>;

/**
 * What an integrator's API key may do. Each scope is named by a route's
 * `apiKeyScope`; a route without one refuses API keys.
 */
export const API_SCOPES = ['pricing:read', 'trips:read', 'webhooks:manage'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** A server-to-server caller, established by the `X-API-Key` header. */
export interface ApiKeyPrincipal {
  id: string;
  name: string;
  scopes: ApiScope[];
  /** The admin who issued the key (told when something the key owns needs a person, e.g. a disabled webhook). */
  createdBy: string | null;
}

/** Resolves a presented API key; throws 401 UNAUTHENTICATED for an unknown or revoked one. */
export type ApiKeyVerifier = (key: string) => Promise<ApiKeyPrincipal>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles or staff roles allowed; 'any' = any signed-in user; omitted = public. */
    auth?: readonly Grant[] | 'any';
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
    /** Safety-critical (SOS): a session check that misses the cache reads through the reserved safety pool. */
    critical?: boolean;
    /** Error codes the handler itself may answer, beyond those the platform derives (auth, limits, 404 on ids …). */
    errors?: ErrorCode[];
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

/** Whether the user holds one of `grants`, by role or by a staff role. */
export function holdsGrant(user: Pick<AuthUser, 'role' | 'staffRoles'>, grants: readonly Grant[]): boolean {
  return grants.includes(user.role) || (user.staffRoles ?? []).some((staff) => grants.includes(staff));
}
