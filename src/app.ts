import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Platform } from './platform/runtime.js';
import { createHttpServer, type HttpApp } from './platform/http/server.js';
import { installAuth } from './platform/http/auth-hook.js';
import { installClientVersionCheck } from './platform/http/client-version.js';
import { installRateLimits, limiterFactory } from './platform/http/rate-limit.js';
import { ipFailureLimit } from './platform/http/failure-limit.js';
import { redisNamespace } from './platform/realtime/redis-namespace.js';
import { installIdempotency } from './platform/http/idempotency.js';
import { envelopeOf, sendOk } from './platform/http/envelope.js';
import { AuthService, KeyRing, createLoginLockout, SESSION_CACHE_LIMITS, SessionCache, registerAuthRoutes } from './modules/auth/index.js';
import { registerHealthRoutes } from './modules/health/health.routes.js';
import { installMetrics } from './modules/ops/index.js';
import { registerAdminRoutes } from './modules/admin/index.js';
import { ApiKeyService, registerApiKeyRoutes } from './modules/api-keys/index.js';
import { forgetDriverCard, registerDriverRoutes } from './modules/drivers/index.js';
import { registerTripRoutes, registerTripTasks } from './modules/trips/index.js';
import { requestTrip } from './flows/request-trip.js';
import { answerOffer, selectBid } from './flows/select-bid.js';
import { PricingAdmin, PricingService, registerPricingRoutes } from './modules/pricing/index.js';
import { Dispatcher, registerDispatchRoutes } from './modules/dispatch/index.js';
import { advanceTrip, createOtpLockout } from './flows/advance-trip.js';
import { cancelTrip } from './flows/cancel-trip.js';
import { changeAvailability } from './flows/change-availability.js';
import { registerNotificationRoutes, registerNotificationTasks } from './modules/notifications/index.js';
import { ChatService, chatSendEvent, registerChatRoutes } from './modules/chat/index.js';
import { createSafety, registerSafetyRoutes, sosTriggerEvent } from './modules/safety/index.js';
import { subscribeTripLocations } from './modules/location/index.js';
import { installPayments } from './modules/payments/index.js';
import { registerProviderRoutes } from './modules/providers/index.js';
import { registerBookingRoutes, registerBookingTasks } from './modules/bookings/index.js';
import { registerLifecycleRoutes, registerRetentionTasks, scheduleRetentionJobs } from './modules/lifecycle/index.js';
import { eraseUser } from './flows/erase-user.js';
import { SocketGateway } from './platform/realtime/gateway.js';
import { registerRealtimeProjections } from './flows/realtime-projections.js';
import { createLocationModule, registerLocationRoutes, registerLocationSocketEvents, registerLocationTasks, scheduleLocationMaintenance, type LocationModule } from './modules/location/index.js';

export const APP_VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

export interface App {
  http: HttpApp;
  auth: AuthService;
  /** Socket.IO on the same HTTP server (listens when `http` does). */
  gateway: SocketGateway;
  location: LocationModule;
  pricing: PricingService;
  dispatch: Dispatcher;
  markStarted(): void;
}

/** Builds the HTTP app from the platform and the modules; does not listen. */
export async function buildApp(platform: Platform): Promise<App> {
  const { config, log, database } = platform;
  const db = database.db;
  const http = await createHttpServer({ log, corsOrigins: config.CORS_ORIGINS, version: APP_VERSION });
  const sessions = new SessionCache({ listener: platform.listener, schema: config.DB_SCHEMA, ...SESSION_CACHE_LIMITS });
  await sessions.start();
  // The gateway verifies tokens only once sockets connect (after listen), by then `auth` exists.
  const gateway = await SocketGateway.create({ httpServer: http.server, config, log, hotState: platform.hotState, flags: platform.flags, hub: platform.realtime, verify: (token) => auth.verifyAccessToken(token) });
  // Every limit and lockout shares the gateway's Redis connection, so every node counts against the same window.
  const limits = limiterFactory({ redis: gateway.redisClient, keyPrefix: redisNamespace(config.DB_SCHEMA) });
  const auth = new AuthService(db, {
    keyRing: new KeyRing(config.jwtKeys, config.jwtActiveKid),
    accessTtlS: config.ACCESS_TOKEN_TTL_S,
    refreshTtlS: config.REFRESH_TOKEN_TTL_S,
    loginLockout: createLoginLockout(limits, { freeAttempts: config.LOGIN_FREE_ATTEMPTS, baseBlockS: config.LOGIN_LOCKOUT_BASE_S, maxBlockS: config.LOGIN_LOCKOUT_MAX_S }),
  }, log, sessions);

  installClientVersionCheck(http, config.MIN_CLIENT_VERSION);
  const apiKeys = new ApiKeyService({ db, log });
  const authFailures = ipFailureLimit(limits, { name: 'authFailures', perMinute: config.AUTH_FAILURES_PER_IP_PER_MIN, disabled: config.RATE_LIMITS_DISABLED });
  installAuth(http, { verify: (token) => auth.verifyAccessToken(token), verifyApiKey: (key) => apiKeys.verify(key), failures: authFailures });
  installRateLimits(http, { factory: limits, disabled: config.RATE_LIMITS_DISABLED, apiKeyPoints: config.API_KEY_RATE_LIMIT_PER_MIN });
  installIdempotency(http, db);

  http.addHook('preClose', async () => gateway.close());
  // Readiness: hot state and the socket adapter share Redis; either one cut off means this node serves alone.
  const state = { started: false, hotState: () => ({ ...platform.hotState.health(), ...(gateway.degraded ? { ok: false } : {}) }) };
  registerHealthRoutes(http, platform, state);
  const metricsGuard = ipFailureLimit(limits, { name: 'metricsAuth', perMinute: config.METRICS_AUTH_FAILURES_PER_IP_PER_MIN, disabled: config.RATE_LIMITS_DISABLED });
  installMetrics(http, platform, { hotState: state.hotState, guard: metricsGuard });
  http.get(
    '/api/version',
    { schema: { tags: ['ops'], response: { 200: envelopeOf(z.object({ version: z.string(), minClientVersion: z.string() })) } } },
    async (_request, reply) => sendOk(reply, { version: APP_VERSION, minClientVersion: config.MIN_CLIENT_VERSION }),
  );
  registerAuthRoutes(http, { auth, db });
  registerDriverRoutes(http, { db, changeAvailability: (userId, available) => changeAvailability(platform, userId, available) });
  const pricing = new PricingService({
    db, hotState: platform.hotState, isSurgeDisabled: () => platform.flags.isOn('SURGE_DISABLED'), quoteSecret: config.quoteSecret,
    cacheTtlMs: config.PRICING_CACHE_TTL_MS, routeProviderUrl: config.ROUTE_PROVIDER_URL, routeTimeoutMs: config.ROUTE_PROVIDER_TIMEOUT_MS, log,
  });
  const dispatch = new Dispatcher(platform);
  dispatch.install();
  registerPricingRoutes(http, { pricing, admin: new PricingAdmin(db, pricing.catalog) });
  registerDispatchRoutes(http, { dispatch, selectBid: (rider, tripId, bidId) => selectBid(platform, rider, tripId, bidId) });
  const tripGuards = { otpLockout: createOtpLockout(limits) };
  registerTripRoutes(http, db, {
    requestTrip: (rider, input) => requestTrip(platform, rider, input, { pricing, dispatch }),
    respondToOffer: (driver, tripId, action, bidAmount) => answerOffer(platform, { pricing, dispatch }, driver, tripId, action, bidAmount),
    advanceTrip: (driver, tripId, input) => advanceTrip(platform, driver, tripId, input, tripGuards),
    cancelTrip: (actor, tripId, opts) => cancelTrip(platform, actor, tripId, opts),
  });
  registerTripTasks(platform);
  const location = createLocationModule(platform);
  http.addHook('onClose', async () => location.close());
  registerLocationRoutes(http, { service: location.service });
  registerLocationSocketEvents(gateway.events, location.service);
  registerLocationTasks(platform);
  await scheduleLocationMaintenance(platform);
  registerRealtimeProjections(platform, gateway);
  registerNotificationTasks(platform);
  registerNotificationRoutes(http, db);
  const chat = new ChatService({ db, realtime: platform.realtime, log, ratePerMinute: config.CHAT_RATE_LIMIT_PER_MIN, limits, blockedWords: config.CHAT_BLOCKED_WORDS });
  registerChatRoutes(http, chat);
  gateway.events.register(chatSendEvent(chat));
  const safety = createSafety(platform);
  registerSafetyRoutes(http, { db, sos: safety.sos, shares: safety.shares });
  gateway.events.register(sosTriggerEvent(safety.sos));
  const stopSafetyFeed = subscribeTripLocations((point) => void safety.evaluateTripLocation(point));
  http.addHook('onClose', async () => stopSafetyFeed());
  registerAdminRoutes(http, platform);
  registerApiKeyRoutes(http, apiKeys);
  await installPayments(http, platform);
  registerProviderRoutes(http, db);
  registerBookingRoutes(http, { db, bus: platform.bus, jobs: platform.jobs, reminderLeadMin: config.BOOKING_REMINDER_LEAD_MIN });
  registerBookingTasks(platform);
  registerLifecycleRoutes(http, {
    db,
    confirmPassword: (userId, password) => auth.confirmPassword(userId, password),
    eraseUser: async (user) => {
      await eraseUser(platform, user);
      sessions.forgetUser(user.id); // other nodes hear it from Postgres
      forgetDriverCard(user.id); // other nodes drop the old name within the card TTL
    },
  });
  registerRetentionTasks(platform);
  await scheduleRetentionJobs(platform);

  await auth.ensureAdmin(config.ADMIN_PHONE, config.ADMIN_PASSWORD);
  return { http, auth, gateway, location, pricing, dispatch, markStarted: () => { state.started = true; } };
}
