import type { Db } from '../../platform/db/database.js';
import type { FeatureFlags } from '../../platform/flags.js';
import type { HotState } from '../../platform/hotstate/index.js';
import type { Logger } from '../../platform/observability/logger.js';
import { tripRoom, type RealtimeEmitter } from '../../platform/realtime/emitter.js';
import { getVisibleTrip, type Viewer } from '../trips/index.js';
import type { ActiveTrips } from './active-trips.js';
import { DriverFactsCache } from './driver-facts.js';
import type { LocationBuffer } from './location-buffer.js';
import type { LookupGate } from '../../platform/db/lookup-gate.js';
import { SUSPICIOUS, hygieneDrop, type HygieneDrop, type HygieneRules, type SuspicionCounter } from './gps-hygiene.js';
import type { FraudReason } from './fraud-flags.repo.js';
import { countLocationUpdate, locationFixesDropped } from './location.metrics.js';
import type { LocationPoint } from './location.schema.js';
import { findNearbyDrivers, toNearbyView } from './nearby.js';
import { readDriverTrail, readTripRoute } from './route-view.js';
import type { TripFeed } from './trip-feed.js';

/** API.md: updates closer than 2 s apart are accepted but coalesced (`accepted:false`). */
export const COALESCE_MS = 2_000;
/** DESIGN "Driver states": presence is a 30 s TTL in hot state. */
export const PRESENCE_TTL_MS = 30_000;
/** Issue 4: a fix less accurate than this moves the driver but is left out of routes and safety checks. */
export const ROUTE_ACCURACY_M = 50;
/** Older fixes are stale: history partitions and routes only reach back a day. */
export const MAX_FIX_AGE_MS = 24 * 3600_000;

export const presenceKey = (driverId: string) => `driver:${driverId}`;

export type UpdateSource = 'socket' | 'http' | 'batch';
/** What became of one fix; every outcome but `accepted` is a drop the client is told about. */
export type FixOutcome = 'accepted' | 'coalesced' | 'stale' | HygieneDrop;
export type DropReason = Exclude<FixOutcome, 'accepted'>;

interface Fix {
  lat: number;
  lng: number;
  heading: number | null;
  speed: number | null;
  accuracy: number | null;
  isMock: boolean;
  at: number;
}

interface Screened {
  kept: Fix[];
  outcomes: FixOutcome[];
}

export interface LocationDeps {
  db: Db;
  hotState: HotState;
  realtime: RealtimeEmitter;
  flags: FeatureFlags;
  log: Logger;
  buffer: LocationBuffer;
  trips: ActiveTrips;
  feed: TripFeed;
  gate: LookupGate;
  hygiene: HygieneRules;
  suspicion: SuspicionCounter;
}

const toFix = (p: LocationPoint): Fix => ({
  lat: p.lat,
  lng: p.lng,
  heading: p.heading ?? null,
  speed: p.speed ?? null,
  accuracy: p.accuracy ?? null,
  isMock: p.isMock ?? false,
  at: p.timestamp,
});

/** Counts of each drop reason in a batch (reasons that did not occur are left out). */
function countDrops(outcomes: FixOutcome[]): Partial<Record<DropReason, number>> {
  const counts: Partial<Record<DropReason, number>> = {};
  for (const o of outcomes) if (o !== 'accepted') counts[o] = (counts[o] ?? 0) + 1;
  return counts;
}

/**
 * Driver positions: hot state first (what nearby and matching read), then
 * the in-process buffer that reaches Postgres in batches, then — during a
 * trip — the route and the trip room. Nothing on this path waits for Postgres
 * except a cache miss of the driver's vehicle class or active trip.
 */
export class LocationService {
  private readonly facts: DriverFactsCache;

  constructor(private readonly deps: LocationDeps) {
    this.facts = new DriverFactsCache(deps.db, deps.gate, deps.hotState);
  }

  async update(
    driverId: string,
    point: LocationPoint,
    source: Exclude<UpdateSource, 'batch'>,
  ): Promise<{ accepted: boolean; reason?: DropReason }> {
    const [outcome] = await this.ingest(driverId, [toFix(point)], source);
    return outcome === 'accepted' || outcome === undefined ? { accepted: true } : { accepted: false, reason: outcome };
  }

  /**
   * Points are taken in the order sent; one not newer than the last kept, or < 2 s after it, is dropped, and so is
   * one the GPS hygiene rules refuse (`reasons` counts each kind of drop).
   */
  async updateBatch(
    driverId: string,
    points: LocationPoint[],
  ): Promise<{ accepted: number; dropped: number; reasons: Partial<Record<DropReason, number>> }> {
    const outcomes = await this.ingest(driverId, points.map(toFix), 'batch');
    const accepted = outcomes.filter((o) => o === 'accepted').length;
    return { accepted, dropped: points.length - accepted, reasons: countDrops(outcomes) };
  }

  /** API.md nearby: riders and admins; Postgres re-checks approval and availability of every candidate. */
  async nearby(
    viewer: Viewer,
    q: { lat: number; lng: number; radiusKm: number; limit: number; vehicleClass?: string },
  ) {
    const found = await findNearbyDrivers(this.deps, {
      lat: q.lat,
      lng: q.lng,
      radiusM: q.radiusKm * 1000,
      limit: q.limit,
      vehicleClass: q.vehicleClass,
    });
    return found.map((c) => toNearbyView(c, { role: viewer.role, from: { lat: q.lat, lng: q.lng } }));
  }

  /** Trip members only (others 404, as for the trip itself). */
  async tripRoute(viewer: Viewer, tripId: string) {
    await getVisibleTrip(this.deps.db, tripId, viewer);
    return readTripRoute(this.deps, tripId);
  }

  /** Staff only (the caller checks the grant): where a driver went between two instants, e.g. during a service job. */
  async driverTrail(window: { driverId: string; from: Date; to: Date }) {
    return readDriverTrail(this.deps, window);
  }

  /** Metres driven on the trip so far, this node's unflushed fixes included (completion re-prices with it). */
  async travelledMeters(tripId: string): Promise<number> {
    return (await readTripRoute(this.deps, tripId)).distanceM;
  }

  /** driver:location_stop: out of nearby at once; Postgres gets `stoppedAt` with the next flush. */
  async stop(driverId: string): Promise<{ stoppedAt: string }> {
    const at = Date.now();
    await this.deps.hotState.removeDriver(driverId);
    this.deps.buffer.recordStop(driverId, at);
    const trip = await this.deps.trips.forDriver(driverId);
    if (trip)
      this.deps.realtime.toRoom(tripRoom(trip.tripId), 'trip:driver_location_stopped', {
        tripId: trip.tripId,
        driverId,
        at: new Date(at).toISOString(),
      });
    return { stoppedAt: new Date(at).toISOString() };
  }

  private async ingest(driverId: string, fixes: Fix[], source: UpdateSource): Promise<FixOutcome[]> {
    const { hotState } = this.deps;
    // One round of hot-state reads (a single Redis round trip when shared): last fix, heartbeat, active trip.
    const [indexed, , trip] = await Promise.all([
      hotState.getDriverPosition(driverId),
      hotState.touchPresence(presenceKey(driverId), PRESENCE_TTL_MS),
      this.deps.trips.forDriver(driverId),
    ]);
    const { kept, outcomes } = this.screen(fixes, indexed, source);
    await this.deps.suspicion.record(
      driverId,
      outcomes.flatMap((o): FraudReason[] => {
        const reason = SUSPICIOUS[o as HygieneDrop];
        return reason ? [reason] : [];
      }),
    );
    const newest = kept[kept.length - 1];
    if (!newest) return outcomes;
    const facts = await this.facts.get(driverId, indexed);
    await hotState.upsertDriverPosition({
      driverId,
      lat: newest.lat,
      lng: newest.lng,
      heading: newest.heading,
      vehicleClass: facts.vehicleClass,
      available: facts.available,
      at: newest.at,
    });
    const tripId = trip?.tripId ?? null;
    this.deps.buffer.recordPosition({ driverId, ...newest, recordedAt: newest.at });
    if (!this.deps.flags.isOn('LOCATION_HISTORY_DISABLED')) {
      this.deps.buffer.recordHistory(driverId, tripId, kept);
    }
    if (trip) {
      const accurate = kept.filter((f) => f.accuracy === null || f.accuracy <= ROUTE_ACCURACY_M);
      this.deps.buffer.recordRoute(trip.tripId, accurate);
      this.deps.feed.publish(trip, driverId, kept, accurate);
    }
    return outcomes;
  }

  /**
   * Drops stale, out-of-order and too-close fixes, and those the GPS hygiene
   * rules refuse (mock, inaccurate, an impossible jump from the last accepted
   * fix), counting each outcome. Mock and accuracy are judged before
   * coalescing so every such report counts, however often it is sent.
   */
  private screen(fixes: Fix[], last: { lat: number; lng: number; at: number } | null, source: UpdateSource): Screened {
    const oldest = Date.now() - MAX_FIX_AGE_MS;
    let anchor = last;
    const kept: Fix[] = [];
    const outcomes: FixOutcome[] = [];
    for (const fix of fixes) {
      const lastAt = anchor?.at ?? -Infinity;
      let outcome: FixOutcome;
      if (fix.at < oldest || fix.at < lastAt) outcome = 'stale';
      else if (fix.isMock || (fix.accuracy ?? 0) > this.deps.hygiene.maxAccuracyM)
        outcome = hygieneDrop(fix, anchor, this.deps.hygiene)!;
      else if (fix.at - lastAt < COALESCE_MS) outcome = 'coalesced';
      else outcome = hygieneDrop(fix, anchor, this.deps.hygiene) ?? 'accepted';
      outcomes.push(outcome);
      this.count(source, outcome);
      if (outcome !== 'accepted') continue;
      kept.push(fix);
      anchor = fix;
    }
    return { kept, outcomes };
  }

  private count(source: UpdateSource, outcome: FixOutcome): void {
    if (outcome === 'accepted' || outcome === 'coalesced' || outcome === 'stale') {
      countLocationUpdate(source, outcome);
      return;
    }
    countLocationUpdate(source, 'dropped');
    locationFixesDropped.inc({ source, reason: outcome });
  }
}
