import { z } from 'zod';
import type { Platform } from './platform/runtime.js';
import type { HttpApp } from './platform/http/server.js';
import type { LoadGauge } from './platform/http/overload.js';
import { installAuth } from './platform/http/auth-hook.js';
import { installClientVersionCheck } from './platform/http/client-version.js';
import { installRateLimits, limiterFactory } from './platform/http/rate-limit.js';
import { ipFailureLimit } from './platform/http/failure-limit.js';
import type { AuthUser } from './platform/http/route-config.js';
import { redisNamespace } from './platform/realtime/redis-namespace.js';
import { installIdempotency } from './platform/http/idempotency.js';
import { envelopeOf, sendOk } from './platform/http/envelope.js';
import { SocketGateway } from './platform/realtime/gateway.js';
import { asyncapiDocument } from './platform/realtime/asyncapi.js';
import { AuthService, KeyRing, createLoginLockout, SESSION_CACHE_LIMITS, SessionCache } from './modules/auth/index.js';
import { registerHealthRoutes } from './modules/health/index.js';
import { installMetrics, type MetricsDeps } from './modules/ops/index.js';
import { ApiKeyService } from './modules/api-keys/index.js';

/** The app's edge, built first by buildApp (app.ts): who is calling, how much, and the ops routes. */

/** What GET /metrics reads on each scrape (the API node and the worker's probe server). */
export function scrapeDepsOf(platform: Platform): MetricsDeps {
  const { database, jobs, log, config } = platform;
  return {
    db: database.db,
    pool: database.pool,
    poolMax: config.DB_POOL_MAX,
    jobs,
    log,
    metricsToken: config.metricsToken,
  };
}

/** Sessions, the socket gateway, the shared limiter store and auth: each needs the one before. */
export async function createAccess(http: HttpApp, platform: Platform, load: LoadGauge) {
  const { config, log, database, hotState, flags, realtime: hub } = platform;
  const sessions = new SessionCache({ listener: platform.listener, schema: config.DB_SCHEMA, ...SESSION_CACHE_LIMITS });
  await sessions.start();
  // The gateway verifies tokens only once sockets connect (after listen); by then `auth` exists.
  const verify = (token: string) => auth.verifyAccessToken(token);
  // Sockets end with their session: the gateway hears every node's revocations through this port.
  const guard = {
    revalidate: (user: AuthUser, opts?: { critical?: boolean }) => auth.revalidate(user, opts),
    onChange: sessions.onChange.bind(sessions),
  };
  const gateway = await SocketGateway.create({
    httpServer: http.server,
    config,
    log,
    hotState,
    flags,
    hub,
    verify,
    guard,
    load,
  });
  // Every limit and lockout shares the gateway's Redis connection, so every node counts against the same window.
  const limits = limiterFactory({ redis: gateway.redisClient, keyPrefix: redisNamespace(config.DB_SCHEMA) });
  const {
    LOGIN_FREE_ATTEMPTS: freeAttempts,
    LOGIN_LOCKOUT_BASE_S: baseBlockS,
    LOGIN_LOCKOUT_MAX_S: maxBlockS,
  } = config;
  const auth = new AuthService(
    database.db,
    {
      keyRing: new KeyRing(config.jwtKeys, config.jwtActiveKid),
      accessTtlS: config.ACCESS_TOKEN_TTL_S,
      refreshTtlS: config.REFRESH_TOKEN_TTL_S,
      loginLockout: createLoginLockout(limits, { freeAttempts, baseBlockS, maxBlockS }),
      criticalDb: platform.safetyDatabase.db,
    },
    log,
    sessions,
  );
  http.addHook('preClose', async () => gateway.close());
  return { auth, sessions, gateway, limits, apiKeys: new ApiKeyService({ db: database.db, log }) };
}

export type Access = Awaited<ReturnType<typeof createAccess>>;

/** Client version, auth (failures counted per IP), rate limits and idempotency on every request. */
export function installEdge(http: HttpApp, platform: Platform, { auth, apiKeys, limits }: Access) {
  const { config, database } = platform;
  installClientVersionCheck(http, config.MIN_CLIENT_VERSION);
  const disabled = config.RATE_LIMITS_DISABLED;
  const failures = ipFailureLimit(limits, {
    name: 'authFailures',
    perMinute: config.AUTH_FAILURES_PER_IP_PER_MIN,
    disabled,
  });
  installAuth(http, {
    verify: (token, opts) => auth.verifyAccessToken(token, opts),
    verifyApiKey: (key) => apiKeys.verify(key),
    failures,
  });
  installRateLimits(http, { factory: limits, disabled, apiKeyPoints: config.API_KEY_RATE_LIMIT_PER_MIN });
  installIdempotency(http, database.db, platform.safetyDatabase.db);
}

export function installOps(http: HttpApp, platform: Platform, { gateway, limits }: Access, version: string) {
  // Readiness: hot state and the socket adapter share Redis; either one cut off means this node serves alone.
  const state = {
    started: false,
    hotState: () => ({ ...platform.hotState.health(), ...(gateway.degraded ? { ok: false } : {}) }),
  };
  registerHealthRoutes(http, { db: platform.database.db, nodeId: platform.config.NODE_ID }, state);
  const { METRICS_AUTH_FAILURES_PER_IP_PER_MIN: perMinute, RATE_LIMITS_DISABLED: disabled } = platform.config;
  const guard = ipFailureLimit(limits, { name: 'metricsAuth', perMinute, disabled });
  installMetrics(http, { ...scrapeDepsOf(platform), bus: platform.bus }, { hotState: state.hotState, guard });
  const versionSchema = envelopeOf(z.object({ version: z.string(), minClientVersion: z.string() }));
  http.get(
    '/api/version',
    {
      schema: { summary: 'Server version and minimum client version', tags: ['ops'], response: { 200: versionSchema } },
    },
    async (_request, reply) =>
      sendOk(reply, { version: version, minClientVersion: platform.config.MIN_CLIENT_VERSION }),
  );
  // Read at request time: every module has registered its socket events by the time anyone asks.
  http.get(
    '/api/docs/asyncapi.json',
    { schema: { hide: true }, config: { plain: true, rateLimit: 'none' } },
    async () => asyncapiDocument(gateway.events, version),
  );
  return state;
}
