/**
 * The composition root's installers: each wires one area (location, messaging, safety, console, webhooks) from the
 * platform into the HTTP app and the socket gateway. buildApp (app.ts) decides the order.
 */
import type { Platform } from './platform/runtime.js';
import { type HttpApp } from './platform/http/server.js';
import { SocketGateway } from './platform/realtime/gateway.js';
import { registerMechanicLocationEvents } from './flows/service-request-location.js';
import { registerNotificationRoutes, registerNotificationTasks } from './modules/notifications/index.js';
import {
  ChatService,
  chatSendEvent,
  registerChatRoutes,
  registerChatTasks,
  requestChatSendEvent,
} from './modules/chat/index.js';
import { createSafety, registerSafetyRoutes, sosTriggerEvent } from './modules/safety/index.js';
import {
  createLocationModule,
  registerLocationRoutes,
  registerFraudFlagRoutes,
  registerLocationSocketEvents,
  registerLocationTasks,
  scheduleLocationMaintenance,
} from './modules/location/index.js';
import { createMessagingProviders } from './platform/providers/index.js';
import type { UnattendedTrips } from './modules/safety/index.js';
import {
  FleetFeed,
  registerConsolePages,
  registerConsoleSessionRoutes,
  registerFleetSocketEvents,
} from './modules/console/index.js';
import cookie from '@fastify/cookie';
import { FLEET_ROOM } from './platform/realtime/emitter.js';
import {
  WebhookService,
  registerWebhookRoutes,
  registerWebhookTasks,
  systemResolve,
  webhookOutboxWriter,
} from './modules/webhooks/index.js';
import type { Access } from './app-access.js';

/** The platform's parts a module may be handed, unpacked once so each consumer names only what it takes. */
export function coreOf(platform: Platform) {
  const { config, log, database, jobs, bus, realtime, flags, hotState } = platform;
  return { config, log, db: database.db, jobs, bus, realtime, flags, hotState };
}

export async function installLocation(http: HttpApp, platform: Platform, gateway: SocketGateway) {
  const core = coreOf(platform);
  const location = createLocationModule({
    ...core,
    flushIntervalMs: core.config.LOCATION_FLUSH_INTERVAL_MS,
    poolMax: core.config.DB_POOL_MAX,
    hygiene: {
      maxAccuracyM: core.config.GPS_MAX_ACCURACY_M,
      maxSpeedKmh: core.config.GPS_MAX_SPEED_KMH,
      flagAfter: core.config.FRAUD_FLAG_AFTER,
    },
  });
  http.addHook('onClose', async () => location.close());
  registerLocationRoutes(http, { service: location.service });
  registerFraudFlagRoutes(http, { fraudFlags: location.fraudFlags });
  registerLocationSocketEvents(gateway.events, location);
  registerMechanicLocationEvents(gateway.events, { db: core.db, realtime: core.realtime, location: location.service });
  registerLocationTasks(core);
  await scheduleLocationMaintenance(core);
  return location;
}

export function installMessaging(http: HttpApp, platform: Platform, { gateway, limits }: Access) {
  const core = coreOf(platform);
  registerNotificationTasks({ ...core, providers: createMessagingProviders(core.config) });
  registerNotificationRoutes(http, core.db);
  const { CHAT_RATE_LIMIT_PER_MIN: ratePerMinute, CHAT_BLOCKED_WORDS: blockedWords } = core.config;
  registerChatTasks(core);
  const chat = new ChatService({
    db: core.db,
    jobs: core.jobs,
    realtime: core.realtime,
    log: core.log,
    ratePerMinute,
    limits,
    blockedWords,
  });
  registerChatRoutes(http, chat);
  gateway.events.register(chatSendEvent(chat));
  gateway.events.register(requestChatSendEvent(chat));
}

export function installSafety(http: HttpApp, platform: Platform, gateway: SocketGateway, unattended: UnattendedTrips) {
  const core = coreOf(platform);
  const safety = createSafety({ ...core, safetyDb: platform.safetyDatabase.db, unattended });
  registerSafetyRoutes(http, { db: core.db, sos: safety.sos, shares: safety.shares });
  gateway.events.register(sosTriggerEvent(safety.sos));
  const stopSafetyFeed = core.bus.onSignal('trip.location', (point) => void safety.evaluateTripLocation(point));
  http.addHook('onClose', async () => stopSafetyFeed());
}

/** The ops console (issue 19): its pages, its cookie sign-in and the live map feed. */
export async function installConsole(http: HttpApp, platform: Platform, { auth, gateway }: Access) {
  const { config, log, hotState, database } = platform;
  await http.register(cookie);
  const secureCookie = config.NODE_ENV === 'production';
  registerConsoleSessionRoutes(http, { auth, secureCookie, refreshTtlS: config.REFRESH_TOKEN_TTL_S });
  await registerConsolePages(http, { tileUrl: config.CONSOLE_TILE_URL });
  const feed = new FleetFeed({ db: database.db, hotState, log, room: gateway.localRoom(FLEET_ROOM) });
  registerFleetSocketEvents(gateway.events, feed);
  http.addHook('onClose', async () => feed.stop());
}

/** Outbound webhooks: the outbox writer in every unit of work, the endpoints API and the delivery jobs. */
export async function installWebhooks(http: HttpApp, platform: Platform) {
  const { config, db, jobs, bus } = coreOf(platform);
  const production =
    config.WEBHOOK_URL_POLICY === 'auto' ? config.isProduction : config.WEBHOOK_URL_POLICY === 'production';
  const policy = { production, resolve: systemResolve };
  bus.onRecordedBatch(webhookOutboxWriter(jobs));
  registerWebhookRoutes(http, new WebhookService({ db, jobs, policy }));
  const settings = {
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    retryBaseMs: config.WEBHOOK_RETRY_BASE_MS,
    retryMaxMs: config.WEBHOOK_RETRY_MAX_MS,
    giveUpMs: config.WEBHOOK_GIVE_UP_MS,
    sweepMs: config.WEBHOOK_SWEEP_MS,
  };
  const pump = registerWebhookTasks({ db, jobs, policy, settings, log: platform.log });
  http.addHook('onClose', async () => pump.stop());
}
