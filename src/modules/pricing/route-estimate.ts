import { haversineMeters, type LatLng } from '../../shared/index.js';

export interface RouteEstimate {
  /** Road distance in whole metres, for display and storage. */
  distanceM: number;
  /** Driving time in whole seconds, for display and storage. */
  durationS: number;
  /** Unrounded kilometres; fares are computed from this, not distanceM. */
  distanceKmExact: number;
  /** Unrounded minutes; fares are computed from this, not durationS. */
  durationMinExact: number;
}

/** A routing backend (straight-line default, OSRM, a maps API …). */
export type RouteProvider = (a: LatLng, b: LatLng) => RouteEstimate | Promise<RouteEstimate>;

// API.md "Pricing": default estimate = straight line × 1.3 road factor at 25 km/h.
export const ROAD_FACTOR = 1.3;
export const DEFAULT_SPEED_KMH = 25;

/** Default RouteProvider: no network, good enough to quote before a real router. */
export function estimateRoute(a: LatLng, b: LatLng): RouteEstimate {
  const distanceKmExact = (haversineMeters(a, b) * ROAD_FACTOR) / 1000;
  const durationMinExact = (distanceKmExact / DEFAULT_SPEED_KMH) * 60;
  return {
    distanceM: Math.round(distanceKmExact * 1000),
    durationS: Math.round(durationMinExact * 60),
    distanceKmExact,
    durationMinExact,
  };
}
