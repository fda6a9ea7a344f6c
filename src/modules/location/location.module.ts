import type { HotState } from '../../platform/hotstate/index.js';
import type { Db } from '../../platform/db/database.js';
import type { EventBus } from '../../platform/events/bus.js';
import type { FeatureFlags } from '../../platform/flags.js';
import type { Logger } from '../../platform/observability/logger.js';
import type { RealtimeHub } from '../../platform/realtime/emitter.js';
import { TERMINAL_STATUSES, type TripStatus } from '../trips/index.js';
import { ActiveTrips } from './active-trips.js';
import { FraudFlagsService } from './fraud-flags.service.js';
import { SuspicionCounter, type HygieneRules } from './gps-hygiene.js';
import { LocationBuffer } from './location-buffer.js';
import { LookupGate } from '../../platform/db/lookup-gate.js';
import { NearbyWatchers } from './nearby-watch.js';
import { LocationService, presenceKey } from './location.service.js';
import { TripFeed } from './trip-feed.js';

export interface LocationModuleDeps {
  db: Db;
  bus: EventBus;
  hotState: HotState;
  realtime: RealtimeHub;
  flags: FeatureFlags;
  log: Logger;
  /** LOCATION_FLUSH_INTERVAL_MS */
  flushIntervalMs: number;
  /** DB_POOL_MAX: cache-miss lookups may take a third of it. */
  poolMax: number;
  /** GPS_MAX_ACCURACY_M, GPS_MAX_SPEED_KMH, FRAUD_FLAG_AFTER. */
  hygiene: HygieneRules;
}

export interface LocationModule {
  service: LocationService;
  fraudFlags: FraudFlagsService;
  buffer: LocationBuffer;
  /** Riders watching the cars around them (`nearby:watch`). */
  watchers: NearbyWatchers;
  /** Stops the flush timer and writes what is still buffered. */
  close(): Promise<void>;
}

/** Hot-state availability after a driver-state change in Postgres (offline and busy drivers are hidden). */
export async function syncDriverAvailability(hotState: HotState, driverId: string, state: string): Promise<void> {
  await hotState.setDriverAvailability(driverId, state !== 'offline' && state !== 'busy');
}

/** DESIGN: a driver whose 30 s heartbeat lapsed is invisible to matching. */
export function isDriverOnline(hotState: HotState, driverId: string): Promise<boolean> {
  return hotState.isPresent(presenceKey(driverId));
}

/**
 * Trip events keep the driver → trip cache and hot-state availability exact
 * (accept ⇒ busy; the end of a trip frees the driver — cooldown is enforced
 * by the Postgres check in nearby).
 */
function followTrips({ bus, hotState }: LocationModuleDeps, trips: ActiveTrips, feed: TripFeed): void {
  bus.on('trip.status_changed', async (event) => {
    const p = event.payload;
    // Availability is written before anything awaits, so writes keep the order
    // events were published in: an accept whose cache load is slow must not
    // mark the driver busy again after the cancel that followed it.
    const ends = TERMINAL_STATUSES.includes(p.to as TripStatus);
    const availability = !p.driverId
      ? undefined
      : p.to === 'accepted'
        ? hotState.setDriverAvailability(p.driverId, false)
        : ends
          ? hotState.setDriverAvailability(p.driverId, true)
          : undefined;
    if (ends) feed.forget(p.tripId);
    await Promise.all([availability, trips.onStatusChanged(p)]);
  });
  // A driver who cancels an accepted trip hands it back and is available again (issue 16); one who vanished or
  // went offline stays hidden (Postgres has them offline).
  bus.on('trip.reassigning', async (event) => {
    const { droppedDriverId, reason } = event.payload;
    if (reason === 'driver_cancelled') await hotState.setDriverAvailability(droppedDriverId, true);
  });
}

export function createLocationModule(deps: LocationModuleDeps): LocationModule {
  const { db, hotState, realtime, flags, log } = deps;
  const buffer = new LocationBuffer({ db, log, intervalMs: deps.flushIntervalMs });
  // A third of the pool: a fleet reconnecting at once never starves the requests of everyone else.
  const gate = new LookupGate(Math.max(1, Math.floor(deps.poolMax / 3)), log);
  const trips = new ActiveTrips({ db, hotState, log, gate });
  const feed = new TripFeed({ realtime, bus: deps.bus });
  const suspicion = new SuspicionCounter({ db, hotState, log }, deps.hygiene.flagAfter);
  const service = new LocationService({
    ...{ db, hotState, realtime, flags, log, buffer, trips, feed, gate },
    ...{ hygiene: deps.hygiene, suspicion },
  });
  followTrips(deps, trips, feed);
  buffer.start();
  const fraudFlags = new FraudFlagsService({ db, suspicion, log });
  const watchers = new NearbyWatchers({ db, hotState, log });
  const close = async () => {
    watchers.stop();
    await buffer.close();
  };
  return { service, fraudFlags, buffer, watchers, close };
}
