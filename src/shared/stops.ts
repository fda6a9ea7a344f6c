import { haversineMeters, type LatLng } from './geo.js';

/** Issue 16 #7: a ride has at most this many stops between pickup and dropoff. */
export const MAX_STOPS = 3;
/** A stop farther than this from the pickup is a typo or another trip, not a stop on the way. */
export const MAX_STOP_DISTANCE_M = 100_000;

/** Indexes of the stops too far from the pickup (empty when every stop is on the way). */
export function farStops(pickup: LatLng, stops: readonly LatLng[]): number[] {
  return stops.flatMap((stop, i) => (haversineMeters(pickup, stop) > MAX_STOP_DISTANCE_M ? [i] : []));
}
