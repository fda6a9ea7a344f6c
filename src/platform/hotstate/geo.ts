import { MAX_GEO_LAT, haversineMeters, haversineTerm, termToMeters as sharedTermToMeters } from '../../shared/index.js';
import type { DriverPositionInput, NearbyDriver, NearestDriversQuery } from './hotstate.js';

/**
 * The Earth radius Redis uses (src/geohash_helper.c). Both adapters measure
 * with it so a radius cut-off means the same thing whichever adapter runs;
 * against the IUGG mean radius it differs by 0.03 %, far below GPS noise.
 */
export const EARTH_RADIUS_M = 6372797.560856;

/** Redis GEOADD rejects latitudes beyond the Web-Mercator limit; memory does too, so the adapters agree. */
export { MAX_GEO_LAT };

export { haversineTerm };

/** Metres on Redis's sphere for a haversine term (the memory index compares terms, not metres). */
export function termToMeters(term: number): number {
  return sharedTermToMeters(term, EARTH_RADIUS_M);
}

/** Same formula and radius as Redis's geohashGetDistance, so both adapters compute identical metres. */
export function haversineM(lat1: number, lng1: number, lat2: number, lng2: number): number {
  return haversineMeters({ lat: lat1, lng: lng1 }, { lat: lat2, lng: lng2 }, EARTH_RADIUS_M);
}

/** Inverse of termToMeters, for comparing against a distance without asin/sqrt per candidate. */
export function metersToTerm(meters: number): number {
  const s = Math.sin(Math.min(Math.PI / 2, meters / (2 * EARTH_RADIUS_M)));
  return s * s;
}

function assertLatLng(lat: number, lng: number): void {
  if (!Number.isFinite(lat) || Math.abs(lat) > MAX_GEO_LAT) throw new RangeError(`latitude out of range: ${lat}`);
  if (!Number.isFinite(lng) || Math.abs(lng) > 180) throw new RangeError(`longitude out of range: ${lng}`);
}

/**
 * Input is validated at the HTTP/socket edge; these checks only stop a
 * programming error from silently corrupting the index (RangeError, not AppError).
 */
export function assertValidPosition(p: DriverPositionInput): void {
  assertLatLng(p.lat, p.lng);
  if (!p.driverId) throw new RangeError('driverId is required');
  if (!p.vehicleClass) throw new RangeError('vehicleClass is required');
  if (!Number.isFinite(p.at)) throw new RangeError(`at must be epoch ms: ${p.at}`);
}

export function assertValidQuery(q: NearestDriversQuery): void {
  assertLatLng(q.lat, q.lng);
  if (!(q.radiusM >= 0) || !Number.isFinite(q.radiusM)) throw new RangeError(`radiusM must be ≥ 0: ${q.radiusM}`);
  if (!Number.isInteger(q.limit) || q.limit < 0) throw new RangeError(`limit must be an integer ≥ 0: ${q.limit}`);
  if (!(q.freshWithinMs >= 0)) throw new RangeError(`freshWithinMs must be ≥ 0: ${q.freshWithinMs}`);
}

/** Nearest first; equal distances ordered by id so results are deterministic across adapters. */
export function compareNearby(a: NearbyDriver, b: NearbyDriver): number {
  if (a.distanceM !== b.distanceM) return a.distanceM - b.distanceM;
  return a.driverId < b.driverId ? -1 : a.driverId > b.driverId ? 1 : 0;
}

/** Driver fields every adapter filters on, independent of how they are stored. */
export interface DriverFacts {
  driverId: string;
  vehicleClass: string;
  available: boolean;
  at: number;
}

/** The non-spatial part of a query, shared so both adapters filter identically. */
export function makeDriverFilter(q: NearestDriversQuery, now: number): (d: DriverFacts) => boolean {
  const oldestAt = now - q.freshWithinMs;
  const excluded = q.excludeIds && q.excludeIds.length > 0 ? new Set(q.excludeIds) : null;
  return (d) =>
    d.at >= oldestAt &&
    (q.vehicleClass === undefined || d.vehicleClass === q.vehicleClass) &&
    (!q.onlyAvailable || d.available) &&
    (excluded === null || !excluded.has(d.driverId));
}
