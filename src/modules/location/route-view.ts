import type { DbHandle } from '../../platform/db/database.js';
import type { LocationBuffer } from './location-buffer.js';
import { findRoute } from './location.repo.js';

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
