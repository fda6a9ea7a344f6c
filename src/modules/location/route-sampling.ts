import { haversineMeters } from '../../shared/index.js';
import type { RouteHeader, RouteWrite, StoredRoutePoint } from './location.repo.js';

/** API.md: `GET /trips/:id/route` → `{points:[…], distanceM}` (≤ 1000 points kept). */
export const MAX_ROUTE_POINTS = 1000;

export interface RouteFix {
  lat: number;
  lng: number;
  at: number;
}

const COORD_SCALE = 1e6; // 6 decimals ≈ 0.1 m: below GPS noise, a third of the JSON

const compactPoint = (p: RouteFix): StoredRoutePoint => [
  Math.round(p.lat * COORD_SCALE) / COORD_SCALE,
  Math.round(p.lng * COORD_SCALE) / COORD_SCALE,
  p.at,
];

const emptyHeader = (tripId: string): RouteHeader => ({
  tripId,
  pointCount: 0,
  stride: 1,
  seen: 0,
  distanceM: 0,
  last: null,
});

/**
 * Adds fixes (oldest first) to a route. Distance sums every fix; the stored
 * list keeps every `stride`-th one, so sampling stays uniform along the whole
 * trip. A fix not newer than the route's last one is ignored (out of order).
 * `needsFullPoints` says the stored list must be read and compacted (see
 * `compactRoute`) because it would pass MAX_ROUTE_POINTS.
 */
export function extendRoute(
  header: RouteHeader | null,
  tripId: string,
  fixes: RouteFix[],
): { write: RouteWrite; needsFullPoints: boolean } {
  const h = header ?? emptyHeader(tripId);
  let { seen, distanceM, last } = h;
  const kept: StoredRoutePoint[] = [];
  for (const fix of fixes) {
    if (last && fix.at <= last.at) continue;
    if (last) distanceM += haversineMeters(last, fix);
    last = { lat: fix.lat, lng: fix.lng, at: fix.at };
    if (seen % h.stride === 0) kept.push(compactPoint(fix));
    seen++;
  }
  const pointCount = h.pointCount + kept.length;
  const write: RouteWrite = {
    tripId,
    points: kept,
    replace: false,
    pointCount,
    stride: h.stride,
    seen,
    distanceM,
    last,
  };
  return { write, needsFullPoints: pointCount > MAX_ROUTE_POINTS };
}

/**
 * Halves the list (keeping every other point) until it fits, doubling the
 * stride each time: point i of the list is always fix i·stride of the trip.
 */
export function compactRoute(write: RouteWrite, stored: StoredRoutePoint[]): RouteWrite {
  let points = [...stored, ...write.points];
  let stride = write.stride;
  while (points.length > MAX_ROUTE_POINTS) {
    points = points.filter((_, i) => i % 2 === 0);
    stride *= 2;
  }
  return { ...write, points, pointCount: points.length, stride, replace: true };
}
