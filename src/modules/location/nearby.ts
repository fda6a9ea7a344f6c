import type { DbHandle } from '../../platform/db/database.js';
import type { HotState } from '../../platform/hotstate/index.js';
import type { Role } from '../../platform/http/route-config.js';
import { FRESH_POSITION_MS, haversineMeters } from '../../shared/index.js';
import { acceptanceRate, type DriverProfileRow, type DriverState, driverProfiles } from '../drivers/index.js';
import { openFlagsAmong } from './fraud-flags.repo.js';

/** Riders see driver coordinates rounded to 3 decimals (~100 m); admins exact (API.md). */
const RIDER_DECIMALS = 3;
/** Hot state is asked for this many times the limit, so drivers Postgres rules out rarely cost a second round. */
const OVERFETCH = 2;
const MAX_ROUNDS = 3;
const WIDEN = 4;
const MAX_FETCH = 2_000;

export interface NearbyDriversQuery {
  lat: number;
  lng: number;
  radiusM: number;
  limit: number;
  vehicleClass?: string;
  /** e.g. drivers already offered this trip. */
  excludeIds?: string[];
}

/** A driver dispatch can score: position from hot state, everything else from Postgres. */
export interface NearbyCandidate {
  driverId: string;
  lat: number;
  lng: number;
  heading: number | null;
  distanceM: number;
  /** Epoch ms of the position. */
  at: number;
  vehicleClass: string;
  state: DriverState;
  rating: number;
  acceptanceRate: number;
  tripsCompleted: number;
}

/** Postgres is the truth for approval and availability; hot state only narrows the candidates. */
function isShowable(
  p: DriverProfileRow | undefined,
  vehicleClass: string | undefined,
  now: number,
): p is DriverProfileRow {
  if (!p || !p.approved) return false;
  if (vehicleClass && p.vehicle_class !== vehicleClass) return false;
  if (p.state === 'available' || p.state === 'offered') return true;
  return p.state === 'cooldown' && (!p.cooldown_until || p.cooldown_until.getTime() <= now);
}

/**
 * Fresh, approved, available drivers nearest first: one hot-state geo query
 * and one Postgres query on the candidate ids (rarely a wider second round
 * when many candidates were ruled out).
 */
export async function findNearbyDrivers(
  deps: { db: DbHandle; hotState: HotState },
  q: NearbyDriversQuery,
): Promise<NearbyCandidate[]> {
  let fetch = Math.min(MAX_FETCH, Math.max(q.limit * OVERFETCH, q.limit + 5));
  for (let round = 1; ; round++) {
    const hits = await deps.hotState.findNearestDrivers({
      lat: q.lat,
      lng: q.lng,
      radiusM: q.radiusM,
      limit: fetch,
      vehicleClass: q.vehicleClass,
      freshWithinMs: FRESH_POSITION_MS,
      onlyAvailable: true,
      excludeIds: q.excludeIds,
    });
    const ids = hits.map((h) => h.driverId);
    // A driver with an open GPS fraud flag is shown to no one until an admin clears it (issue 16 point 3).
    const [rows, flagged] = await Promise.all([driverProfiles.findMany(deps.db, ids), openFlagsAmong(deps.db, ids)]);
    const profiles = new Map(rows.map((p) => [p.user_id, p]));
    const now = Date.now();
    const found: NearbyCandidate[] = [];
    for (const h of hits) {
      const p = profiles.get(h.driverId);
      if (flagged.has(h.driverId) || !isShowable(p, q.vehicleClass, now)) continue;
      found.push({
        driverId: h.driverId,
        lat: h.lat,
        lng: h.lng,
        heading: h.heading,
        distanceM: h.distanceM,
        at: h.at,
        vehicleClass: p.vehicle_class,
        state: p.state,
        rating: Number(p.rating),
        acceptanceRate: acceptanceRate(p),
        tripsCompleted: p.trips_completed,
      });
      if (found.length === q.limit) return found;
    }
    if (hits.length < fetch || round === MAX_ROUNDS || fetch === MAX_FETCH) return found;
    fetch = Math.min(MAX_FETCH, fetch * WIDEN);
  }
}

const roundTo = (v: number, decimals: number) => Math.round(v * 10 ** decimals) / 10 ** decimals;

/**
 * The HTTP view: API.md fields only. For riders the coordinates are blurred
 * and the distance is measured to the blurred point, so three queries cannot
 * trilaterate the exact position back.
 */
export function toNearbyView(c: NearbyCandidate, viewer: { role: Role; from: { lat: number; lng: number } }) {
  const exact = viewer.role === 'admin';
  const lat = exact ? c.lat : roundTo(c.lat, RIDER_DECIMALS);
  const lng = exact ? c.lng : roundTo(c.lng, RIDER_DECIMALS);
  const distanceM = exact ? c.distanceM : haversineMeters(viewer.from, { lat, lng });
  return {
    driverId: c.driverId,
    lat,
    lng,
    distanceM: Math.round(distanceM),
    heading: c.heading,
    vehicleClass: c.vehicleClass,
  };
}
