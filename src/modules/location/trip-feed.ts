import type { EventBus } from '../../platform/events/bus.js';
import { tripRoom, type RealtimeEmitter } from '../../platform/realtime/emitter.js';
import { estimateRoute } from '../pricing/index.js';
import type { ActiveTrip } from './active-trips.js';

/** What ride-safety checks (and anything else watching live trips) receive for each accurate fix. */
export interface TripLocation {
  tripId: string;
  driverId: string;
  lat: number;
  lng: number;
  /** m/s as reported by the device. */
  speed: number | null;
  heading: number | null;
  /** Epoch ms of the fix. */
  at: number;
  tripStatus: ActiveTrip['status'];
}

declare module '../../platform/events/event-map.js' {
  interface LiveSignalMap {
    /** Every accurate fix of a driver on a trip, on the node that ingested it. */
    'trip.location': TripLocation;
    /** The first ETA to pickup of an accepted trip at or under ARRIVING_ETA_S, on the node that computed it. */
    'trip.driver_arriving': { tripId: string; driverId: string; etaS: number };
  }
}

export interface FeedFix {
  lat: number;
  lng: number;
  heading: number | null;
  speed: number | null;
  at: number;
}

/** API.md: `trip:driver_location` to `trip:{id}` at most once per second. */
export const FORWARD_INTERVAL_MS = 1_000;
/** ETAs change slowly; a fresh one every 5 s is enough for the rider's screen. */
export const ETA_INTERVAL_MS = 5_000;
/** Issue 17.3: "driver arriving" when the ETA to pickup is one minute or less. */
export const ARRIVING_ETA_S = 60;
/** Throttle state older than this is pruned (the trip ended or moved to another node). */
const STALE_THROTTLE_MS = 60_000;
const PRUNE_ABOVE = 10_000;

/**
 * Fans a driver's positions out while on a trip: every accurate fix as the
 * bus's `trip.location` signal, the newest one to the trip room (≤ 1/s, volatile:
 * a phone whose connection is still busy just skips a frame) and an ETA to
 * the pickup (before the ride) or the drop-off (during it) every 5 s.
 */
export class TripFeed {
  private readonly lastForward = new Map<string, number>();
  private readonly lastEta = new Map<string, number>();
  /** Trips whose "arriving" this node has signalled (the notice's dedupe key holds across nodes). */
  private readonly arrivingSignalled = new Set<string>();

  constructor(private readonly deps: { realtime: RealtimeEmitter; bus: Pick<EventBus, 'signal'> }) {}

  publish(trip: ActiveTrip, driverId: string, fixes: FeedFix[], accurate: FeedFix[]): void {
    for (const fix of accurate) {
      const { lat, lng, speed, heading, at } = fix;
      this.deps.bus.signal('trip.location', {
        tripId: trip.tripId,
        driverId,
        lat,
        lng,
        speed,
        heading,
        at,
        tripStatus: trip.status,
      });
    }
    const newest = fixes[fixes.length - 1];
    if (!newest) return;
    const now = Date.now();
    if (now - (this.lastForward.get(trip.tripId) ?? 0) < FORWARD_INTERVAL_MS) return;
    this.lastForward.set(trip.tripId, now);
    const room = tripRoom(trip.tripId);
    this.deps.realtime.toRoom(
      room,
      'trip:driver_location',
      {
        tripId: trip.tripId,
        lat: newest.lat,
        lng: newest.lng,
        heading: newest.heading,
        at: new Date(newest.at).toISOString(),
      },
      { volatile: true },
    );
    if (now - (this.lastEta.get(trip.tripId) ?? 0) >= ETA_INTERVAL_MS) {
      this.lastEta.set(trip.tripId, now);
      const target = trip.status === 'started' ? trip.dropoff : trip.pickup;
      const eta = estimateRoute(newest, target);
      // Not volatile: a volatile emit right behind the position would be dropped while that one is still being written.
      this.deps.realtime.toRoom(room, 'trip:eta_update', {
        tripId: trip.tripId,
        etaS: eta.durationS,
        distanceM: eta.distanceM,
      });
      if (trip.status === 'accepted' && eta.durationS <= ARRIVING_ETA_S)
        this.signalArriving(trip.tripId, driverId, eta);
    }
    if (this.lastForward.size > PRUNE_ABOVE) this.prune(now);
  }

  private signalArriving(tripId: string, driverId: string, eta: { durationS: number }): void {
    if (this.arrivingSignalled.has(tripId)) return;
    this.arrivingSignalled.add(tripId);
    this.deps.bus.signal('trip.driver_arriving', { tripId, driverId, etaS: eta.durationS });
  }

  /** The trip ended: its next position (a new trip) starts with a fresh throttle. */
  forget(tripId: string): void {
    this.lastForward.delete(tripId);
    this.lastEta.delete(tripId);
    this.arrivingSignalled.delete(tripId);
  }

  private prune(now: number): void {
    for (const [tripId, at] of this.lastForward) {
      if (now - at > STALE_THROTTLE_MS) this.forget(tripId);
    }
  }
}
