import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Platform } from './platform/runtime.js';
import { createHttpServer, type HttpApp } from './platform/http/server.js';
import { installAuth } from './platform/http/auth-hook.js';
import { installClientVersionCheck } from './platform/http/client-version.js';
import { installRateLimits, limiterFactory } from './platform/http/rate-limit.js';
import { redisNamespace } from './platform/realtime/redis-namespace.js';
import { installIdempotency } from './platform/http/idempotency.js';
import { envelopeOf, sendOk } from './platform/http/envelope.js';
import { SocketGateway } from './platform/realtime/gateway.js';
import { AuthService, KeyRing, SESSION_CACHE_LIMITS, SessionCache, registerAuthRoutes } from './modules/auth/index.js';
import { registerHealthRoutes } from './modules/health/index.js';
import { installMetrics, type MetricsDeps } from './modules/ops/index.js';
import { registerAdminRoutes } from './modules/admin/index.js';
import { registerUserAccessRoutes } from './modules/users/index.js';
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
import { registerDriverFlowRoutes } from './flows/drivers.routes.js';
import { registerErasureRoutes } from './flows/erasure.routes.js';
import { registerRealtimeProjections } from './flows/realtime-projections.js';

export const APP_VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

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
  return { db: database.db, pool: database.pool, poolMax: config.DB_POOL_MAX, jobs, log, metricsToken: config.metricsToken };
}

async function createAuth(platform: Platform) {
  const { config, log, database } = platform;
  const sessions = new SessionCache({ listener: platform.listener, schema: config.DB_SCHEMA, ...SESSION_CACHE_LIMITS });
  await sessions.start();
  const keyRing = new KeyRing(config.jwtKeys, config.jwtActiveKid);
  const auth = new AuthService(database.db, { keyRing, accessTtlS: config.ACCESS_TOKEN_TTL_S, refreshTtlS: config.REFRESH_TOKEN_TTL_S }, log, sessions);
  return { auth, sessions, apiKeys: new ApiKeyService({ db: database.db, log }) };
}

/** Auth, limits and idempotency on every request; the socket gateway on the same server. */
async function installEdge(http: HttpApp, platform: Platform, { auth, sessions, apiKeys }: Awaited<ReturnType<typeof createAuth>>) {
  const { config, log, database } = platform;
  installClientVersionCheck(http, config.MIN_CLIENT_VERSION);
  installAuth(http, (token) => auth.verifyAccessToken(token), (key) => apiKeys.verify(key));
  const verify = (token: string) => auth.verifyAccessToken(token);
  // Sockets end with their session: the gateway hears every node's revocations through this port.
  const guard = { revalidate: auth.revalidate.bind(auth), onChange: sessions.onChange.bind(sessions) };
  const { hotState, flags, realtime: hub } = platform;
  const gateway = await SocketGateway.create({ httpServer: http.server, config, log, hotState, flags, hub, verify, guard });
  // HTTP limits share the gateway's Redis connection, so every node counts against the same window.
  const factory = limiterFactory({ redis: gateway.redisClient, keyPrefix: redisNamespace(config.DB_SCHEMA) });
  installRateLimits(http, { factory, disabled: config.RATE_LIMITS_DISABLED, apiKeyPoints: config.API_KEY_RATE_LIMIT_PER_MIN });
  installIdempotency(http, database.db);
  http.addHook('preClose', async () => gateway.close());
  return gateway;
}

function installOps(http: HttpApp, platform: Platform, gateway: SocketGateway) {
  // Readiness: hot state and the socket adapter share Redis; either one cut off means this node serves alone.
  const state = { started: false, hotState: () => ({ ...platform.hotState.health(), ...(gateway.degraded ? { ok: false } : {}) }) };
  registerHealthRoutes(http, { db: platform.database.db }, state);
  installMetrics(http, { ...scrapeDepsOf(platform), bus: platform.bus }, { hotState: state.hotState });
  const versionSchema = envelopeOf(z.object({ version: z.string(), minClientVersion: z.string() }));
  http.get('/api/version', { schema: { tags: ['ops'], response: { 200: versionSchema } } }, async (_request, reply) =>
    sendOk(reply, { version: APP_VERSION, minClientVersion: platform.config.MIN_CLIENT_VERSION }));
  return state;
}

function createPricing(platform: Platform) {
  const { config, log, database, hotState, flags } = platform;
  return new PricingService({
    db: database.db, hotState, isSurgeDisabled: () => flags.isOn('SURGE_DISABLED'), quoteSecret: config.quoteSecret,
    cacheTtlMs: config.PRICING_CACHE_TTL_MS, routeProviderUrl: config.ROUTE_PROVIDER_URL, routeTimeoutMs: config.ROUTE_PROVIDER_TIMEOUT_MS, log,
  });
}

function createDispatch(platform: Platform) {
  const { config, flags } = platform;
  const dispatch = new Dispatcher({
    ...coreOf(platform), isMatchingDegraded: () => flags.isOn('MATCHING_DEGRADED'), timeScale: config.DISPATCH_TIME_SCALE,
    inlineFirstRound: config.DISPATCH_INLINE_FIRST_ROUND, batchMode: config.DISPATCH_BATCH_MODE, batchWindowMs: config.DISPATCH_BATCH_WINDOW_MS,
  });
  dispatch.install();
  return dispatch;
}

async function installLocation(http: HttpApp, platform: Platform, gateway: SocketGateway) {
  const core = coreOf(platform);
  const location = createLocationModule({ ...core, flushIntervalMs: core.config.LOCATION_FLUSH_INTERVAL_MS, poolMax: core.config.DB_POOL_MAX });
  http.addHook('onClose', async () => location.close());
  registerLocationRoutes(http, { service: location.service });
  registerLocationSocketEvents(gateway.events, location.service);
  registerLocationTasks(core);
  await scheduleLocationMaintenance(core);
  return location;
}

function installMessaging(http: HttpApp, platform: Platform, gateway: SocketGateway) {
  const core = coreOf(platform);
  registerNotificationTasks({ ...core, providers: createMessagingProviders(core.config) });
  registerNotificationRoutes(http, core.db);
  const { CHAT_RATE_LIMIT_PER_MIN: ratePerMinute, CHAT_BLOCKED_WORDS: blockedWords } = core.config;
  const chat = new ChatService({ db: core.db, realtime: core.realtime, log: core.log, ratePerMinute, blockedWords });
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
  const access = await createAuth(platform);
  const { auth, sessions, apiKeys } = access;
  const gateway = await installEdge(http, platform, access);
  const state = installOps(http, platform, gateway);
  registerAuthRoutes(http, { auth, db });
  registerDriverRoutes(http, { db });
  const pricing = createPricing(platform);
  const dispatch = createDispatch(platform);
  registerPricingRoutes(http, { pricing, admin: new PricingAdmin(db, pricing.catalog) });
  registerDispatchRoutes(http, { dispatch });
  registerTripRoutes(http, db);
  registerTripTasks(core);
  const settlement = { jobs: core.jobs, driverCreditLimit: config.DRIVER_CREDIT_LIMIT, pricing };
  registerTripFlowRoutes(http, { ...core, pricing, dispatch, settlement });
  registerDriverFlowRoutes(http, core);
  const location = await installLocation(http, platform, gateway);
  registerRealtimeProjections(core, gateway);
  installMessaging(http, platform, gateway);
  installSafety(http, platform, gateway);
  registerAdminRoutes(http, { ...core, schema: config.DB_SCHEMA, flagSync: platform.flagSync });
  registerUserAccessRoutes(http, db);
  registerApiKeyRoutes(http, apiKeys);
  const payments: PaymentsDeps = core;
  await installPayments(http, payments);
  registerProviderRoutes(http, db);
  registerBookingRoutes(http, { db, bus: core.bus, jobs: core.jobs, reminderLeadMin: config.BOOKING_REMINDER_LEAD_MIN });
  registerBookingTasks(core);
  registerLifecycleRoutes(http, { db });
  registerErasureRoutes(http, { ...core, sessions });
  registerRetentionTasks({ ...core, settings: config });
  await scheduleRetentionJobs({ ...core, settings: config });
  await auth.ensureAdmin(config.ADMIN_PHONE, config.ADMIN_PASSWORD);
  const markStarted = () => { state.started = true; };
  return { http, auth, gateway, location, pricing, dispatch, payments, markStarted };
}
