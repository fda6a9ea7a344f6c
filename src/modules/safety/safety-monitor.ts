import type { Db } from '../../platform/db/database.js';
import { withTransaction } from '../../platform/db/transaction.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import type { Logger } from '../../platform/observability/logger.js';
import type { RealtimeEmitter } from '../../platform/realtime/emitter.js';
import { notify } from '../notifications/index.js';
import { TERMINAL_STATUSES, type TripStatus, tripRecords } from '../trips/index.js';
import {
  STOP_RADIUS_M,
  checkFix,
  type Finding,
  type RideCheckLimits,
  type TripShape,
  type WatchState,
} from './ride-checks.js';
import type { SafetyConfig } from './safety.config.js';
import { insertSafetyEventDeduped } from './safety-events.repo.js';
import { safetyEvents } from './safety.metrics.js';
import type { LatestPositions, TripLocationPoint } from './trip-positions.js';

/** Trip status is re-read at least this often (another node may have moved the trip). */
const TRIP_CACHE_MS = 15_000;
/** Bound on remembered trips; entries idle longer than STALE_MS are swept when it is exceeded. */
const MAX_TRIPS = 20_000;
const STALE_MS = 3_600_000;
/** Statuses in which the assigned driver's stream is checked. */
const WATCHED: TripStatus[] = ['accepted', 'arrived', 'started'];

interface WatchedTrip extends TripShape {
  id: string;
  riderId: string;
  driverId: string | null;
  loadedAt: number;
}

export interface MonitorDeps {
  db: Db;
  jobs: JobQueue;
  realtime: RealtimeEmitter;
  log: Logger;
  config: SafetyConfig;
  positions: LatestPositions;
}

/**
 * Ride safety checks over each trip's location stream: stopped too long,
 * off the pickup→dropoff corridor, over-speed (ride-checks.ts), plus the
 * "accepted but not started" job. Findings become `safety_events` rows
 * (deduped per trip+kind within SAFETY_EVENT_DEDUPE_MS), an inbox/push alert
 * to the rider and `safety:alert` in the admin room.
 */
export class SafetyMonitor {
  private readonly states = new Map<string, WatchState>();
  private readonly trips = new Map<string, WatchedTrip>();
  private readonly lastRaised = new Map<string, number>();
  private readonly chains = new Map<string, Promise<void>>();
  readonly limits: RideCheckLimits;

  constructor(private readonly deps: MonitorDeps) {
    const c = deps.config;
    this.limits = {
      stopMs: c.SAFETY_STOP_MS,
      stopRadiusM: STOP_RADIUS_M,
      deviationM: c.SAFETY_ROUTE_DEVIATION_M,
      speedLimitMps: c.SAFETY_SPEED_LIMIT_KMH / 3.6,
    };
  }

  /**
   * Listener for the trip location stream; never throws into the ingest path.
   * Fixes of one trip are checked one after another, in arrival order (the
   * checks are stateful and ignore out-of-order fixes).
   */
  evaluateTripLocation = (point: TripLocationPoint): Promise<void> => {
    const previous = this.chains.get(point.tripId) ?? Promise.resolve();
    const next = previous.then(() => this.evaluate(point));
    this.chains.set(point.tripId, next);
    void next.finally(() => {
      if (this.chains.get(point.tripId) === next) this.chains.delete(point.tripId);
    });
    return next;
  };

  private async evaluate(point: TripLocationPoint): Promise<void> {
    try {
      this.deps.positions.record(point);
      const trip = await this.trip(point.tripId);
      if (!trip || trip.driverId !== point.driverId || !WATCHED.includes(trip.status as TripStatus)) return;
      const state = this.states.get(trip.id) ?? {};
      this.states.set(trip.id, state);
      for (const finding of checkFix(
        state,
        { lat: point.lat, lng: point.lng, at: point.at, speed: point.speed },
        trip,
        this.limits,
      )) {
        await this.raise(trip, finding, { lat: point.lat, lng: point.lng });
      }
    } catch (err) {
      this.deps.log.error({ err, tripId: point.tripId }, 'ride safety check failed');
    }
  }

  /** Trip status changes from the bus keep the cache honest and free finished trips. */
  onTripStatus(tripId: string, to: string) {
    if (TERMINAL_STATUSES.includes(to as TripStatus)) return this.forget(tripId);
    const cached = this.trips.get(tripId);
    if (cached) cached.status = to;
    if (to !== 'started') this.states.delete(tripId);
  }

  /** Records a finding unless one of the same kind was raised for the trip within the dedupe window. */
  async raise(trip: { id: string; riderId: string }, finding: Finding, at: { lat: number; lng: number } | null) {
    const key = `${trip.id}:${finding.kind}`;
    const windowMs = this.deps.config.SAFETY_EVENT_DEDUPE_MS;
    const last = this.lastRaised.get(key);
    if (last !== undefined && Date.now() - last < windowMs) return;
    this.lastRaised.set(key, Date.now());
    const event = await withTransaction(this.deps.db, async (tx) => {
      const row = await insertSafetyEventDeduped(tx, {
        tripId: trip.id,
        kind: finding.kind,
        lat: at?.lat ?? null,
        lng: at?.lng ?? null,
        details: finding.details,
        windowMs,
      });
      if (row)
        await notify(tx, this.deps.jobs, {
          userId: trip.riderId,
          template: `safety.${finding.kind}`,
          data: { tripId: trip.id, kind: finding.kind, ...finding.details },
          priority: 'HIGH',
        });
      return row;
    });
    if (!event) return;
    safetyEvents.inc({ kind: finding.kind });
    this.deps.realtime.toAdmins('safety:alert', {
      eventId: event.id,
      tripId: trip.id,
      kind: finding.kind,
      lat: event.lat,
      lng: event.lng,
      details: finding.details,
      at: event.created_at.toISOString(),
    });
  }

  private forget(tripId: string) {
    this.states.delete(tripId);
    this.trips.delete(tripId);
    for (const kind of ['stopped', 'off_route', 'speeding', 'not_started']) this.lastRaised.delete(`${tripId}:${kind}`);
  }

  /** Trips that ended on another node never reach onTripStatus here: drop what has been idle for long. */
  private sweep() {
    const cutoff = Date.now() - STALE_MS;
    for (const [id, t] of this.trips) if (t.loadedAt < cutoff) this.forget(id);
  }

  private async trip(tripId: string): Promise<WatchedTrip | undefined> {
    const cached = this.trips.get(tripId);
    if (cached && Date.now() - cached.loadedAt < TRIP_CACHE_MS) return cached;
    const row = await tripRecords.find(this.deps.db, tripId);
    if (!row || TERMINAL_STATUSES.includes(row.status)) {
      this.forget(tripId);
      return undefined;
    }
    const trip: WatchedTrip = {
      id: row.id,
      riderId: row.rider_id,
      driverId: row.driver_id,
      status: row.status,
      pickup: { lat: row.pickup_lat, lng: row.pickup_lng },
      dropoff: { lat: row.dropoff_lat, lng: row.dropoff_lng },
      loadedAt: Date.now(),
    };
    this.trips.set(tripId, trip);
    if (this.trips.size > MAX_TRIPS) this.sweep();
    return trip;
  }
}
