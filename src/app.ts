import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Platform } from './platform/runtime.js';
import { createHttpServer, type HttpApp } from './platform/http/server.js';
import { installAuth } from './platform/http/auth-hook.js';
import { installClientVersionCheck } from './platform/http/client-version.js';
import { installRateLimits, limiterFactory } from './platform/http/rate-limit.js';
import { ipFailureLimit } from './platform/http/failure-limit.js';
import type { AuthUser } from './platform/http/route-config.js';
import { redisNamespace } from './platform/realtime/redis-namespace.js';
import { installIdempotency } from './platform/http/idempotency.js';
import { envelopeOf, sendOk } from './platform/http/envelope.js';
import { SocketGateway } from './platform/realtime/gateway.js';
import {
  AuthService,
  KeyRing,
  createLoginLockout,
  SESSION_CACHE_LIMITS,
  SessionCache,
  registerAuthRoutes,
} from './modules/auth/index.js';
import { registerHealthRoutes } from './modules/health/index.js';
import { installMetrics, type MetricsDeps } from './modules/ops/index.js';
import { registerAdminRoutes } from './modules/admin/index.js';
import { ApiKeyService, registerApiKeyRoutes } from './modules/api-keys/index.js';
import { registerDriverRoutes } from './modules/drivers/index.js';
import { registerTripRoutes, registerTripTasks } from './modules/trips/index.js';
import { PricingAdmin, PricingService, registerPricingRoutes } from './modules/pricing/index.js';
import { Dispatcher, registerDispatchRoutes } from './modules/dispatch/index.js';
import { registerNotificationRoutes, registerNotificationTasks } from './modules/notifications/index.js';
import { ChatService, chatSendEvent, registerChatRoutes } from './modules/chat/index.js';
import { createSafety, registerSafetyRoutes, sosTriggerEvent } from './modules/safety/index.js';
import { installPayments, type PaymentsDeps } from './modules/payments/index.js';
import { registerProviderRoutes } from './modules/providers/index.js';
import { registerBookingRoutes, registerBookingTasks } from './modules/bookings/index.js';
import { registerLifecycleRoutes, registerRetentionTasks, scheduleRetentionJobs } from './modules/lifecycle/index.js';
import {
  createLocationModule,
  registerLocationRoutes,
  registerLocationSocketEvents,
  registerLocationTasks,
  scheduleLocationMaintenance,
  type LocationModule,
} from './modules/location/index.js';
import { createMessagingProviders } from './platform/providers/index.js';
import { registerTripFlowRoutes } from './flows/trips.routes.js';
import { createOtpLockout } from './flows/advance-trip.js';
import { registerDriverFlowRoutes } from './flows/drivers.routes.js';
import { registerErasureRoutes } from './flows/erasure.routes.js';
import { registerUserFlowRoutes } from './flows/users.routes.js';
import { registerRealtimeProjections } from './flows/realtime-projections.js';

export const APP_VERSION: string = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
).version;

export interface App {
  http: HttpApp;
  auth: AuthService;
  /** Socket.IO on the same HTTP server (listens when `http` does). */
  gateway: SocketGateway;
  location: LocationModule;
  pricing: PricingService;
  dispatch: Dispatcher;
  /** What the payments services and jobs run with (tests call them directly). */
  payments: PaymentsDeps;
  markStarted(): void;
}

/** The platform's parts a module may be handed, unpacked once so each consumer names only what it takes. */
function coreOf(platform: Platform) {
  const { config, log, database, jobs, bus, realtime, flags, hotState } = platform;
  return { config, log, db: database.db, jobs, bus, realtime, flags, hotState };
}

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
async function createAccess(http: HttpApp, platform: Platform) {
  const { config, log, database, hotState, flags, realtime: hub } = platform;
  const sessions = new SessionCache({ listener: platform.listener, schema: config.DB_SCHEMA, ...SESSION_CACHE_LIMITS });
  await sessions.start();
  // The gateway verifies tokens only once sockets connect (after listen); by then `auth` exists.
  const verify = (token: string) => auth.verifyAccessToken(token);
  // Sockets end with their session: the gateway hears every node's revocations through this port.
  const guard = { revalidate: (user: AuthUser) => auth.revalidate(user), onChange: sessions.onChange.bind(sessions) };
  const gateway = await SocketGateway.create({
    httpServer: http.server,
    config,
    log,
    hotState,
    flags,
    hub,
    verify,
    guard,
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
    },
    log,
    sessions,
  );
  http.addHook('preClose', async () => gateway.close());
  return { auth, sessions, gateway, limits, apiKeys: new ApiKeyService({ db: database.db, log }) };
}

type Access = Awaited<ReturnType<typeof createAccess>>;

/** Client version, auth (failures counted per IP), rate limits and idempotency on every request. */
function installEdge(http: HttpApp, platform: Platform, { auth, apiKeys, limits }: Access) {
  const { config, database } = platform;
  installClientVersionCheck(http, config.MIN_CLIENT_VERSION);
  const disabled = config.RATE_LIMITS_DISABLED;
  const failures = ipFailureLimit(limits, {
    name: 'authFailures',
    perMinute: config.AUTH_FAILURES_PER_IP_PER_MIN,
    disabled,
  });
  installAuth(http, {
    verify: (token) => auth.verifyAccessToken(token),
    verifyApiKey: (key) => apiKeys.verify(key),
    failures,
  });
  installRateLimits(http, { factory: limits, disabled, apiKeyPoints: config.API_KEY_RATE_LIMIT_PER_MIN });
  installIdempotency(http, database.db);
}

function installOps(http: HttpApp, platform: Platform, { gateway, limits }: Access) {
  // Readiness: hot state and the socket adapter share Redis; either one cut off means this node serves alone.
  const state = {
    started: false,
    hotState: () => ({ ...platform.hotState.health(), ...(gateway.degraded ? { ok: false } : {}) }),
  };
  registerHealthRoutes(http, { db: platform.database.db }, state);
  const { METRICS_AUTH_FAILURES_PER_IP_PER_MIN: perMinute, RATE_LIMITS_DISABLED: disabled } = platform.config;
  const guard = ipFailureLimit(limits, { name: 'metricsAuth', perMinute, disabled });
  installMetrics(http, { ...scrapeDepsOf(platform), bus: platform.bus }, { hotState: state.hotState, guard });
  const versionSchema = envelopeOf(z.object({ version: z.string(), minClientVersion: z.string() }));
  http.get('/api/version', { schema: { tags: ['ops'], response: { 200: versionSchema } } }, async (_request, reply) =>
    sendOk(reply, { version: APP_VERSION, minClientVersion: platform.config.MIN_CLIENT_VERSION }),
  );
  return state;
}

function createPricing(platform: Platform) {
  const { config, log, database, hotState, flags } = platform;
  return new PricingService({
    db: database.db,
    hotState,
    isSurgeDisabled: () => flags.isOn('SURGE_DISABLED'),
    quoteSecret: config.quoteSecret,
    cacheTtlMs: config.PRICING_CACHE_TTL_MS,
    routeProviderUrl: config.ROUTE_PROVIDER_URL,
    routeTimeoutMs: config.ROUTE_PROVIDER_TIMEOUT_MS,
    log,
  });
}

function createDispatch(platform: Platform) {
  const { config, flags } = platform;
  const dispatch = new Dispatcher({
    ...coreOf(platform),
    isMatchingDegraded: () => flags.isOn('MATCHING_DEGRADED'),
    timeScale: config.DISPATCH_TIME_SCALE,
    inlineFirstRound: config.DISPATCH_INLINE_FIRST_ROUND,
    batchMode: config.DISPATCH_BATCH_MODE,
    batchWindowMs: config.DISPATCH_BATCH_WINDOW_MS,
  });
  dispatch.install();
  return dispatch;
}

async function installLocation(http: HttpApp, platform: Platform, gateway: SocketGateway) {
  const core = coreOf(platform);
  const location = createLocationModule({
    ...core,
    flushIntervalMs: core.config.LOCATION_FLUSH_INTERVAL_MS,
    poolMax: core.config.DB_POOL_MAX,
  });
  http.addHook('onClose', async () => location.close());
  registerLocationRoutes(http, { service: location.service });
  registerLocationSocketEvents(gateway.events, location.service);
  registerLocationTasks(core);
  await scheduleLocationMaintenance(core);
  return location;
}

function installMessaging(http: HttpApp, platform: Platform, { gateway, limits }: Access) {
  const core = coreOf(platform);
  registerNotificationTasks({ ...core, providers: createMessagingProviders(core.config) });
  registerNotificationRoutes(http, core.db);
  const { CHAT_RATE_LIMIT_PER_MIN: ratePerMinute, CHAT_BLOCKED_WORDS: blockedWords } = core.config;
  const chat = new ChatService({
    db: core.db,
    realtime: core.realtime,
    log: core.log,
    ratePerMinute,
    limits,
    blockedWords,
  });
  registerChatRoutes(http, chat);
  gateway.events.register(chatSendEvent(chat));
}

function installSafety(http: HttpApp, platform: Platform, gateway: SocketGateway) {
  const core = coreOf(platform);
  const safety = createSafety(core);
  registerSafetyRoutes(http, { db: core.db, sos: safety.sos, shares: safety.shares });
  gateway.events.register(sosTriggerEvent(safety.sos));
  const stopSafetyFeed = core.bus.onSignal('trip.location', (point) => void safety.evaluateTripLocation(point));
  http.addHook('onClose', async () => stopSafetyFeed());
}

/** Builds the HTTP app from the platform and the modules; does not listen. */
export async function buildApp(platform: Platform): Promise<App> {
  const core = coreOf(platform);
  const { config, db } = core;
  const http = await createHttpServer({ log: core.log, corsOrigins: config.CORS_ORIGINS, version: APP_VERSION });
  const access = await createAccess(http, platform);
  const { auth, sessions, apiKeys, gateway } = access;
  installEdge(http, platform, access);
  const state = installOps(http, platform, access);
  registerAuthRoutes(http, { auth, db });
  registerDriverRoutes(http, { db });
  const pricing = createPricing(platform);
  const dispatch = createDispatch(platform);
  registerPricingRoutes(http, { pricing, admin: new PricingAdmin(db, pricing.catalog) });
  registerDispatchRoutes(http, { dispatch });
  registerTripRoutes(http, db);
  registerTripTasks(core);
  const settlement = { jobs: core.jobs, driverCreditLimit: config.DRIVER_CREDIT_LIMIT, pricing };
  registerTripFlowRoutes(http, { ...core, pricing, dispatch, settlement, otpLockout: createOtpLockout(access.limits) });
  registerDriverFlowRoutes(http, core);
  const location = await installLocation(http, platform, gateway);
  registerRealtimeProjections(core, gateway);
  installMessaging(http, platform, access);
  installSafety(http, platform, gateway);
  registerAdminRoutes(http, { ...core, schema: config.DB_SCHEMA, flagSync: platform.flagSync });
  registerUserFlowRoutes(http, { db });
  registerApiKeyRoutes(http, apiKeys);
  const payments: PaymentsDeps = core;
  await installPayments(http, payments);
  registerProviderRoutes(http, db);
  registerBookingRoutes(http, {
    db,
    bus: core.bus,
    jobs: core.jobs,
    reminderLeadMin: config.BOOKING_REMINDER_LEAD_MIN,
  });
  registerBookingTasks(core);
  registerLifecycleRoutes(http, { db });
  registerErasureRoutes(http, { ...core, sessions, auth });
  registerRetentionTasks({ ...core, settings: config });
  await scheduleRetentionJobs({ ...core, settings: config });
  await auth.ensureAdmin(config.ADMIN_PHONE, config.ADMIN_PASSWORD);
  const markStarted = () => {
    state.started = true;
  };
  return { http, auth, gateway, location, pricing, dispatch, payments, markStarted };
}
