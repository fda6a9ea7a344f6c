import { runUnitOfWork } from '../platform/events/unit-of-work.js';
import { forbidden } from '../platform/errors.js';
import { getVisibleTrip, markTripStop, viewTrip, type StopAction, type Viewer } from '../modules/trips/index.js';
import type { UnitDeps } from './deps.js';

export type MarkStopDeps = UnitDeps;

/**
 * The assigned driver marks arriving at and leaving a stop; the time between
 * (beyond 3 free minutes) is charged at completion as `stop_waiting`.
 */
export async function markStop(
  deps: MarkStopDeps,
  input: { driver: Viewer; tripId: string; index: number; action: StopAction },
) {
  const row = await runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
    const trip = await getVisibleTrip(tx, input.tripId, input.driver);
    if (trip.driver_id !== input.driver.id) throw forbidden('Only the assigned driver can mark stops');
    return markTripStop(tx, events, { trip, index: input.index, action: input.action, at: new Date() });
  });
  return viewTrip(deps.db, row, input.driver);
}
