/** A point on the map (WGS 84 degrees). */
export interface LatLng {
  lat: number;
  lng: number;
}

/** IUGG mean Earth radius: what prices and geofences measure with. */
export const EARTH_MEAN_RADIUS_M = 6_371_008.8;

const RAD = Math.PI / 180;

/**
 * The haversine term for two points whose latitude cosines are already known
 * (the memory geo index caches each driver's cosine). Every distance in the
 * system is built from this one formula.
 */
export function haversineTerm(
  lat1: number,
  lng1: number,
  cosLat1: number,
  lat2: number,
  lng2: number,
  cosLat2: number,
): number {
  const u = Math.sin(((lat2 - lat1) * RAD) / 2);
  const v = Math.sin(((lng2 - lng1) * RAD) / 2);
  // Clamp: rounding can push the term a hair above 1 for antipodal points.
  return Math.min(1, u * u + cosLat1 * cosLat2 * v * v);
}

/** Metres along a sphere of `radiusM` for a haversine term. */
export function termToMeters(term: number, radiusM: number): number {
  return 2 * radiusM * Math.asin(Math.sqrt(term));
}

/** Great-circle distance in metres (mean Earth radius; ≤ 0.5 % from the ellipsoid). */
export function haversineMeters(a: LatLng, b: LatLng, radiusM = EARTH_MEAN_RADIUS_M): number {
  return termToMeters(haversineTerm(a.lat, a.lng, Math.cos(a.lat * RAD), b.lat, b.lng, Math.cos(b.lat * RAD)), radiusM);
}
