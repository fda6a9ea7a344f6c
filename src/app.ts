import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Platform } from './platform/runtime.js';
import { createHttpServer, type HttpApp } from './platform/http/server.js';
import { installAuth } from './platform/http/auth-hook.js';
import { installClientVersionCheck } from './platform/http/client-version.js';
import { installRateLimits, memoryLimiterFactory, type LimiterFactory } from './platform/http/rate-limit.js';
import { installIdempotency } from './platform/http/idempotency.js';
import { envelopeOf, sendOk } from './platform/http/envelope.js';
import { AuthService, KeyRing, registerAuthRoutes } from './modules/auth/index.js';
import { registerHealthRoutes } from './modules/health/health.routes.js';
import { registerAdminRoutes } from './modules/admin/index.js';
import { registerDriverRoutes } from './modules/drivers/index.js';
import { registerTripRoutes, registerTripTasks } from './modules/trips/index.js';
import { requestTrip } from './flows/request-trip.js';
import { respondToTripOffer } from './flows/respond-to-offer.js';
import { advanceTrip } from './flows/advance-trip.js';
import { cancelTrip } from './flows/cancel-trip.js';
import { changeAvailability } from './flows/change-availability.js';
import { registerNotificationTasks } from './modules/notifications/index.js';

export const APP_VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

export interface App {
  http: HttpApp;
  auth: AuthService;
  markStarted(): void;
}

export interface AppOptions {
  limiterFactory?: LimiterFactory;
}

/** Builds the HTTP app from the platform and the modules; does not listen. */
export async function buildApp(platform: Platform, opts: AppOptions = {}): Promise<App> {
  const { config, log, database } = platform;
  const db = database.db;
  const http = await createHttpServer({ log, corsOrigins: config.CORS_ORIGINS, version: APP_VERSION });
  const auth = new AuthService(db, {
    keyRing: new KeyRing(config.jwtKeys, config.jwtActiveKid),
    accessTtlS: config.ACCESS_TOKEN_TTL_S,
    refreshTtlS: config.REFRESH_TOKEN_TTL_S,
  }, log);

  installClientVersionCheck(http, config.MIN_CLIENT_VERSION);
  installAuth(http, (token) => auth.verifyAccessToken(token));
  installRateLimits(http, { factory: opts.limiterFactory ?? memoryLimiterFactory, disabled: config.RATE_LIMITS_DISABLED });
  installIdempotency(http, db);

  const state = { started: false, hotState: () => ({ ok: true, adapter: 'memory' }) };
  registerHealthRoutes(http, platform, state);
  http.get(
    '/api/version',
    { schema: { tags: ['ops'], response: { 200: envelopeOf(z.object({ version: z.string(), minClientVersion: z.string() })) } } },
    async (_request, reply) => sendOk(reply, { version: APP_VERSION, minClientVersion: config.MIN_CLIENT_VERSION }),
  );
  registerAuthRoutes(http, { auth, db });
  registerDriverRoutes(http, { db, changeAvailability: (userId, available) => changeAvailability(platform, userId, available) });
  registerTripRoutes(http, db, {
    requestTrip: (rider, input) => requestTrip(platform, rider, input),
    respondToOffer: (driver, tripId, action) => respondToTripOffer(platform, driver, tripId, action),
    advanceTrip: (driver, tripId, input) => advanceTrip(platform, driver, tripId, input),
    cancelTrip: (actor, tripId, opts) => cancelTrip(platform, actor, tripId, opts),
  });
  registerTripTasks(platform);
  registerNotificationTasks(platform);
  registerAdminRoutes(http, platform);

  await auth.ensureAdmin(config.ADMIN_PHONE, config.ADMIN_PASSWORD);
  return { http, auth, markStarted: () => { state.started = true; } };
}
