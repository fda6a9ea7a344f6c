import { runUnitOfWork } from '../platform/events/unit-of-work.js';
import { isUniqueViolation } from '../platform/db/transaction.js';
import { conflict, forbidden } from '../platform/errors.js';
import { driverStates } from '../modules/drivers/index.js';
import { getVisibleTrip, moveTrip, tripOffers, viewTrip, type TripRow, type Viewer } from '../modules/trips/index.js';
import type { Tx } from '../platform/db/database.js';
import type { EventRecorder } from '../platform/events/unit-of-work.js';
import type { UnitDeps } from './deps.js';
import { providerBusyConflict } from './provider-busy.js';
import { confirmWindow, recordScheduleStep, startPickupWatch, type MatchDeps } from './settle-match.js';

export type ConfirmTripDeps = UnitDeps & MatchDeps;

/**
 * POST /trips/:id/confirm: the driver who reserved a scheduled trip confirms inside the window (issue 16 point 6).
 * The trip becomes `accepted` and the driver busy, as a live match would; a repeat is 200 unchanged. Outside the
 * window, or once the backup search has taken the trip, 409; another driver or the rider 404/403.
 */
export async function confirmScheduledTrip(
  deps: ConfirmTripDeps,
  { driver, tripId }: { driver: Viewer; tripId: string },
) {
  const row = await runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
    const trip = await getVisibleTrip(tx, tripId, driver);
    if (trip.driver_id !== driver.id) throw forbidden('Only the reserving driver confirms');
    if (trip.status !== 'scheduled') {
      if (trip.confirmed_at && ['accepted', 'arrived', 'started'].includes(trip.status)) return trip;
      throw conflict(`Trip is ${trip.status}, not waiting for confirmation`);
    }
    const { opens, closes } = confirmWindow(trip, deps.tripWatch);
    const now = Date.now();
    if (now < opens.getTime()) throw conflict(`Confirmation opens at ${opens.toISOString()}`);
    if (now > closes.getTime()) throw conflict('Too late to confirm: a backup driver is being found');
    return confirmNow(tx, events, deps, trip);
  });
  return viewTrip(deps.db, row, driver);
}

async function confirmNow(tx: Tx, events: EventRecorder, deps: ConfirmTripDeps, trip: TripRow) {
  const driverId = trip.driver_id!;
  const now = new Date();
  let accepted: TripRow;
  try {
    accepted = await moveTrip(tx, events, {
      trip,
      to: 'accepted',
      actorId: driverId,
      set: { accepted_at: now, confirmed_at: now },
    });
  } catch (err) {
    if (isUniqueViolation(err, 'trips_one_active_per_driver')) throw conflict('Finish your current trip first');
    throw providerBusyConflict(err) ?? err;
  }
  // On the way now: whatever else they were offered goes to other drivers.
  for (const otherTrip of await tripOffers.withdrawFromDriver(tx, driverId)) {
    await events.record({
      type: 'trip.offers_withdrawn',
      aggregateType: 'trip',
      aggregateId: otherTrip,
      actorId: null,
      payload: { tripId: otherTrip, driverIds: [driverId] },
    });
  }
  await driverStates.transition(tx, {
    userId: driverId,
    from: ['available', 'offered', 'cooldown', 'offline'],
    to: 'busy',
  });
  await startPickupWatch(tx, deps, accepted);
  await recordScheduleStep(tx, events, deps.jobs, { trip: accepted, step: 'driver_confirmed', confirmBy: null });
  return accepted;
}
