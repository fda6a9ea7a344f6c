import type { DbHandle } from '../../platform/db/database.js';
import type { HotState, NearbyDriver } from '../../platform/hotstate/index.js';
import { FRESH_POSITION_MS } from '../../shared/index.js';
import { acceptanceRate, type DriverProfileRow, type DriverState, driverProfiles } from '../drivers/index.js';
import { driverFraudFlags } from '../location/index.js';
import { tripRecords } from '../trips/index.js';
import {
  FAIRNESS_WINDOW_MS,
  completionRate,
  ineligibility,
  rankCandidates,
  type CandidateFacts,
  type RankedCandidate,
} from './scoring.js';
import { SEARCH_RADII_M, SERVING_CLASSES } from './strategy.js';

// Nearest drivers fetched per vehicle class and radius: enough to fill a
// broadcast round several times over after eligibility and fairness.
const MIN_POOL = 20;
const POOL_PER_OFFER = 4;
// Deepening bound: 400 nearest per class is the busiest downtown ring; past it the round widens instead.
const MAX_POOL = 400;
const DEEPEN_FACTOR = 4;

export const offersCounterKey = (driverId: string) => `dispatch:offers:${driverId}`;

export interface CandidateSearch {
  riderId: string;
  pickup: { lat: number; lng: number };
  /** Rides: the class asked for; null when any vehicle may serve (service jobs). */
  vehicleClass: string | null;
  /** Drivers already offered this trip. */
  excludeIds: string[];
  /** Offers the round wants to send. */
  needed: number;
  degraded: boolean;
  /** Of nearby drivers, those the job allows (no block between the pair; a service job: skill, area); null = all. */
  eligible?: (driverIds: string[]) => Promise<Set<string> | null>;
}

export interface Candidate extends RankedCandidate {
  /** State read from Postgres; the offer compare-and-sets from exactly this. */
  state: DriverState;
}

export interface CandidateResult {
  candidates: Candidate[];
  radiusM: number;
  /** The candidates carry a weighted score (false: degraded matching ranked them by distance alone). */
  scored?: boolean;
  /**
   * Nearby drivers who would qualify but hold another trip's offer right now.
   * They are free again within a round (that trip is taken or its offer
   * lapses), so a round that finds nobody else should wait for them rather
   * than count as a round without drivers.
   */
  held?: number;
}

/**
 * Fresh online drivers of every class that may serve, nearest first per class; `truncated` when a class hit `limit`.
 */
async function nearbyServing(
  hot: HotState,
  s: CandidateSearch,
  radiusM: number,
  limit: number,
): Promise<{ drivers: NearbyDriver[]; truncated: boolean }> {
  const classes: ReadonlyArray<string | undefined> =
    s.vehicleClass === null ? [undefined] : (SERVING_CLASSES[s.vehicleClass] ?? [s.vehicleClass]);
  const lists = await Promise.all(
    classes.map((vehicleClass) =>
      hot.findNearestDrivers({
        lat: s.pickup.lat,
        lng: s.pickup.lng,
        radiusM,
        limit,
        vehicleClass,
        freshWithinMs: FRESH_POSITION_MS,
        onlyAvailable: true,
        excludeIds: s.excludeIds,
      }),
    ),
  );
  return { drivers: lists.flat(), truncated: lists.some((l) => l.length >= limit) };
}

async function factsFor(
  deps: { db: DbHandle; hotState: HotState },
  s: CandidateSearch,
  pairs: Array<{ near: NearbyDriver; profile: DriverProfileRow }>,
) {
  const ids = pairs.map((p) => p.near.driverId);
  const [served, offers] = s.degraded
    ? [new Set<string>(), ids.map(() => 0)]
    : await Promise.all([
        tripRecords.driversWhoServedRider(deps.db, s.riderId, ids),
        Promise.all(
          ids.map((id) => deps.hotState.readWindowCounter(offersCounterKey(id), FAIRNESS_WINDOW_MS).catch(() => 0)),
        ),
      ]);
  return pairs.map(({ near, profile }, i): CandidateFacts & { state: DriverState } => ({
    driverId: near.driverId,
    distanceM: near.distanceM,
    rating: Number(profile.rating),
    acceptanceRate: acceptanceRate(profile),
    completionRate: completionRate(profile.trips_completed, profile.offers_accepted),
    exactClass: s.vehicleClass === null || profile.vehicle_class === s.vehicleClass,
    repeatRider: served.has(near.driverId),
    offersLastHour: offers[i] ?? 0,
    state: profile.state,
  }));
}

/**
 * Nearby drivers that pass the Postgres checks, fetching deeper while the nearest ones are all taken; `held` counts
 * those only another offer keeps out.
 */
async function eligibleWithin(
  deps: { db: DbHandle; hotState: HotState },
  s: CandidateSearch,
  radiusM: number,
  now: Date,
) {
  let limit = Math.max(MIN_POOL, s.needed * POOL_PER_OFFER);
  for (;;) {
    const { drivers: nearby, truncated } = await nearbyServing(deps.hotState, s, radiusM, limit);
    const ids = nearby.map((n) => n.driverId);
    // Seed plan: "account in good standing (no fraud flags)"; an open GPS flag keeps the driver out until cleared.
    const [rows, flagged, allowed] = await Promise.all([
      driverProfiles.findMany(deps.db, ids),
      driverFraudFlags.flaggedAmong(deps.db, ids),
      s.eligible && ids.length > 0 ? s.eligible(ids) : null,
    ]);
    const profiles = new Map(rows.map((p) => [p.user_id, p]));
    let held = 0;
    const pairs = nearby.flatMap((near) => {
      const profile = profiles.get(near.driverId);
      if (!profile || flagged.has(near.driverId) || (allowed && !allowed.has(near.driverId))) return [];
      const facts = {
        approved: profile.approved,
        state: profile.state,
        cooldownUntil: profile.cooldown_until,
        vehicleClass: profile.vehicle_class,
        rating: Number(profile.rating),
        suspended: profile.suspended,
      };
      const why = ineligibility(facts, s.vehicleClass, now);
      if (
        why === 'not_available' &&
        profile.state === 'offered' &&
        ineligibility({ ...facts, state: 'available' }, s.vehicleClass, now) === null
      )
        held++;
      return why === null ? [{ near, profile }] : [];
    });
    // The hot index cannot tell offered or resting drivers apart: when the
    // nearest `limit` were mostly taken and the ring holds more, look deeper.
    if (pairs.length >= s.needed || !truncated || limit >= MAX_POOL) return { pairs, held };
    limit = Math.min(MAX_POOL, limit * DEEPEN_FACTOR);
  }
}

/**
 * Eligible drivers for one round, best first. The radius widens 3 → 5 → 8 km
 * until the round can be filled (or the widest ring is reached); each ring
 * starts from the hot geo index (fresh, online, right class) and is then
 * checked against Postgres (approved, available or rested, rating floor).
 */
export async function findCandidates(
  deps: { db: DbHandle; hotState: HotState },
  s: CandidateSearch,
  now: Date,
): Promise<CandidateResult> {
  let best: CandidateResult = { candidates: [], radiusM: SEARCH_RADII_M[SEARCH_RADII_M.length - 1]!, held: 0 };
  for (const radiusM of SEARCH_RADII_M) {
    const { pairs, held } = await eligibleWithin(deps, s, radiusM, now);
    // Rings are nested: the widest one looked at counts everyone held.
    best.held = Math.max(best.held ?? 0, held);
    if (pairs.length === 0) continue;
    const facts = await factsFor(deps, s, pairs);
    best = {
      candidates: rankCandidates(facts, radiusM, s.degraded ? 'nearest' : 'weighted'),
      radiusM,
      scored: !s.degraded,
      held: best.held,
    };
    if (best.candidates.length >= s.needed) break;
  }
  return best;
}
