import type { DbHandle } from '../../platform/db/database.js';
import type { LocationBuffer } from './location-buffer.js';
import { haversineMeters } from '../../shared/index.js';
import { findRoute, findTrail } from './location.repo.js';
import { MAX_ROUTE_POINTS } from './route-sampling.js';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A trip's route as clients see it. This node's unflushed points are written
 * first (or the flush in flight is awaited) so the answer includes them; down-sampling keeps every stride-th fix,
 * so the last fix is added when it was not kept — the line ends at the driver.
 */
export async function readTripRoute(deps: { db: DbHandle; buffer: LocationBuffer }, tripId: string) {
  // A timer flush may hold this trip's points mid-write (already out of the buffer, not yet committed): wait for it.
  if (deps.buffer.hasRoutePoints(tripId)) await deps.buffer.flush();
  else await deps.buffer.settled();
  const route = await findRoute(deps.db, tripId);
  if (!route) return { points: [], distanceM: 0 };
  const points = route.points.map(([lat, lng, at]) => ({ lat, lng, at: iso(at) }));
  const tail = route.points[route.points.length - 1];
  if (route.last && (!tail || tail[2] !== route.last.at))
    points.push({ lat: route.last.lat, lng: route.last.lng, at: iso(route.last.at) });
  return { points, distanceM: Math.round(route.distanceM) };
}

/**
 * A driver's recorded trail over a time window (a service job's provider: they have no trip route), in the route's
 * shape. Buffered fixes are written first so the newest ones show; the distance is summed over the points kept.
 */
export async function readDriverTrail(
  deps: { db: DbHandle; buffer: LocationBuffer },
  window: { driverId: string; from: Date; to: Date },
) {
  await deps.buffer.flush();
  const rows = await findTrail(deps.db, { ...window, max: MAX_ROUTE_POINTS });
  let distanceM = 0;
  for (let i = 1; i < rows.length; i++) distanceM += haversineMeters(rows[i - 1]!, rows[i]!);
  const points = rows.map((r) => ({ lat: r.lat, lng: r.lng, at: r.at.toISOString() }));
  return { points, distanceM: Math.round(distanceM) };
}
