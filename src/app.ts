import { readFileSync } from 'node:fs';
import type { Platform } from './platform/runtime.js';
import { createHttpServer, type HttpApp } from './platform/http/server.js';
import { installOverloadProtection, overloadSettings } from './platform/http/overload.js';
import { type AuthService, registerAuthRoutes } from './modules/auth/index.js';
import type { SocketGateway } from './platform/realtime/gateway.js';
import { createAccess, installEdge, installOps } from './app-access.js';
import { setPhoneRegion } from './modules/users/index.js';
import { registerAdminRoutes } from './modules/admin/index.js';
import { registerApiKeyRoutes } from './modules/api-keys/index.js';
import { registerDriverRoutes } from './modules/drivers/index.js';
import { registerTripRoutes, registerTripTasks } from './modules/trips/index.js';
import {
  PricingAdmin,
  PricingService,
  registerPricingRoutes,
  registerServiceTariffRoutes,
  ServiceTariffs,
} from './modules/pricing/index.js';
import { registerServiceRequestRoutes } from './flows/service-requests.routes.js';
import { registerServiceOfferRoutes } from './flows/service-offers.routes.js';
import { registerServiceDispatchHooks } from './flows/service-request-dispatch.js';
import { registerServiceProofRoutes } from './flows/service-proof.routes.js';
import { createObjectStore } from './platform/storage/index.js';
import { registerServiceRequestProjections } from './flows/service-request-projections.js';
import { registerServiceRequestNotices } from './flows/service-request-notices.js';
import { Dispatcher, offerSeenEvent, registerDispatchRoutes } from './modules/dispatch/index.js';
import {
  createCardCheckout,
  createCardTipCheckout,
  installPayments,
  type PaymentsDeps,
} from './modules/payments/index.js';
import { registerCapabilityRoutes, registerProviderRoutes } from './modules/providers/index.js';
import { registerBookingRoutes, registerBookingTasks } from './modules/bookings/index.js';
import { registerLifecycleRoutes, registerRetentionTasks } from './modules/lifecycle/index.js';
import { scheduleBackups } from './admin-cli/scheduled-backup.js';
import { type LocationModule } from './modules/location/index.js';
import { registerTripFlowRoutes } from './flows/trips.routes.js';
import { registerStopRoutes } from './flows/stops.routes.js';
import { registerTripMoneyRoutes } from './flows/trip-money.routes.js';
import { createOtpLockout } from './flows/advance-trip.js';
import { registerDriverFlowRoutes } from './flows/drivers.routes.js';
import { registerErasureRoutes } from './flows/erasure.routes.js';
import { registerUserFlowRoutes } from './flows/users.routes.js';
import { registerSessionFlowRoutes } from './flows/sessions.routes.js';
import { registerRefundRoutes } from './flows/refunds.routes.js';
import { registerServiceMoneyRoutes } from './flows/service-money.routes.js';
import { registerTraceRoutes } from './flows/trace.routes.js';
import { registerConsoleFleetRoutes } from './flows/console-fleet.routes.js';
import { registerSuspensionTasks } from './flows/change-user-access.js';
import { registerRatingFlowRoutes } from './flows/ratings.routes.js';
import { registerTrustRoutes } from './modules/trust/index.js';
import { registerRealtimeProjections } from './flows/realtime-projections.js';
import { registerTripNotices } from './flows/trip-notices.js';
import { tripWatchSettings, unattendedTripHandler } from './flows/reassign-trip.js';
import { registerTripWatchTasks } from './flows/trip-watch.tasks.js';
import {
  coreOf,
  installConsole,
  installLocation,
  installMessaging,
  installSafety,
  installWebhooks,
} from './app-installers.js';

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
    scheduledLeadMs: config.SCHEDULED_OFFER_LEAD_MS,
  });
  dispatch.install();
  return dispatch;
}

/** Builds the HTTP app from the platform and the modules; does not listen. */
export async function buildApp(platform: Platform): Promise<App> {
  const core = coreOf(platform);
  const { config, db } = core;
  setPhoneRegion(config.PHONE_REGION); // before anything (the first admin) reads a phone
  const http = await createHttpServer({ log: core.log, corsOrigins: config.CORS_ORIGINS, version: APP_VERSION });
  // Before any route: every request passes the overload check (probes, metrics and SOS are exempt).
  const load = await installOverloadProtection(http, overloadSettings(config, platform.database.poolWaitMs));
  const access = await createAccess(http, platform, load);
  const { auth, sessions, apiKeys, gateway } = access;
  installEdge(http, platform, access);
  const state = installOps(http, platform, access, APP_VERSION);
  registerAuthRoutes(http, { auth, db });
  registerSessionFlowRoutes(http, { auth, db });
  registerDriverRoutes(http, { db, bus: platform.bus });
  const pricing = createPricing(platform);
  const dispatch = createDispatch(platform);
  registerPricingRoutes(http, { pricing, admin: new PricingAdmin(db, pricing.catalog) });
  const serviceTariffs = new ServiceTariffs({ db, routes: pricing.routes });
  registerServiceTariffRoutes(http, serviceTariffs);
  registerServiceRequestRoutes(http, {
    db,
    bus: core.bus,
    serviceTariffs,
    dispatch,
    driverCreditLimit: config.DRIVER_CREDIT_LIMIT,
    cardCheckout: createCardCheckout({ jobs: core.jobs, config }),
    codeLockout: createOtpLockout(access.limits, 'Too many wrong completion codes; completing is locked for now'),
  });
  registerServiceOfferRoutes(http, { db, bus: core.bus, dispatch, log: core.log });
  registerServiceDispatchHooks(core);
  const objects = createObjectStore(config);
  registerServiceProofRoutes(http, { db, ...objects, urlTtlS: config.OBJECT_URL_TTL_S });
  http.addHook('onClose', async () => objects.store.close?.());
  registerDispatchRoutes(http, { dispatch, db });
  gateway.events.register(offerSeenEvent(db));
  // Without Redis this node is the only one, so it sees every trip write and may keep trip rows (trip-row-cache.ts).
  registerTripRoutes(http, db, { keepTripRows: config.redis === undefined });
  registerTripTasks(core);
  const settlement = {
    jobs: core.jobs,
    driverCreditLimit: config.DRIVER_CREDIT_LIMIT,
    pricing,
    cardCheckout: createCardCheckout({ jobs: core.jobs, config }),
  };
  // Before the trip flows: completion reads the distance driven from it.
  const location = await installLocation(http, platform, gateway);
  const tripWatch = tripWatchSettings(config);
  const otpLockout = createOtpLockout(access.limits);
  const route = location.service;
  registerTripFlowRoutes(http, { ...core, pricing, dispatch, settlement, otpLockout, tripWatch, route });
  registerStopRoutes(http, { ...core, pricing });
  registerTraceRoutes(http, { db, route, store: objects.store });
  registerConsoleFleetRoutes(http, { db });
  const cardTips = createCardTipCheckout({ jobs: core.jobs, config });
  registerTripMoneyRoutes(http, { db, driverCreditLimit: config.DRIVER_CREDIT_LIMIT, cardTips });
  registerDriverFlowRoutes(http, { ...core, dispatch });
  registerTripWatchTasks({ ...core, dispatch, tripWatch });
  registerRealtimeProjections(core, gateway);
  const stopTripNotices = registerTripNotices({ ...core, reminderLeadMin: config.TRIP_REMINDER_LEAD_MIN });
  http.addHook('onClose', async () => stopTripNotices());
  registerServiceRequestProjections(core, gateway);
  registerServiceRequestNotices(core);
  installMessaging(http, platform, access);
  installSafety(http, platform, gateway, unattendedTripHandler({ ...core, dispatch }));
  registerAdminRoutes(http, { ...core, schema: config.DB_SCHEMA, flagSync: platform.flagSync });
  registerUserFlowRoutes(http, core);
  registerSuspensionTasks(core);
  registerRatingFlowRoutes(http, { db });
  registerTrustRoutes(http, { db });
  registerApiKeyRoutes(http, apiKeys);
  await installWebhooks(http, platform);
  const payments: PaymentsDeps = core;
  await installPayments(http, payments);
  registerRefundRoutes(http, { ...payments, supportRefundLimit: config.SUPPORT_REFUND_LIMIT });
  registerServiceMoneyRoutes(http, { ...payments, supportRefundLimit: config.SUPPORT_REFUND_LIMIT, cardTips });
  registerProviderRoutes(http, db);
  registerCapabilityRoutes(http, db);
  registerBookingRoutes(http, {
    db,
    bus: core.bus,
    jobs: core.jobs,
    reminderLeadMin: config.BOOKING_REMINDER_LEAD_MIN,
  });
  registerBookingTasks(core);
  registerLifecycleRoutes(http, { db });
  await installConsole(http, platform, access);
  registerErasureRoutes(http, { ...core, sessions, auth });
  registerRetentionTasks({ ...core, settings: config });
  scheduleBackups(platform);
  await auth.ensureAdmin(config.ADMIN_PHONE, config.ADMIN_PASSWORD);
  const markStarted = () => {
    state.started = true;
  };
  return { http, auth, gateway, location, pricing, dispatch, payments, markStarted };
}
