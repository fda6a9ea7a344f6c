export interface LatLng {
  lat: number;
  lng: number;
}

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

// IUGG mean Earth radius; the haversine error (≤ 0.5 %) is far below the
// uncertainty of the road factor.
const EARTH_RADIUS_M = 6_371_008.8;
// API.md "Pricing": default estimate = straight line × 1.3 road factor at 25 km/h.
export const ROAD_FACTOR = 1.3;
export const DEFAULT_SPEED_KMH = 25;

const toRadians = (degrees: number): number => (degrees * Math.PI) / 180;

/** Great-circle distance in metres. */
export function haversineMeters(a: LatLng, b: LatLng): number {
  const dLat = toRadians(b.lat - a.lat);
  const dLng = toRadians(b.lng - a.lng);
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(toRadians(a.lat)) * Math.cos(toRadians(b.lat)) * Math.sin(dLng / 2) ** 2;
  // Clamp: rounding can push h a hair above 1 for antipodal points.
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

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
