import { runUnitOfWork } from '../platform/events/unit-of-work.js';
import { forbidden } from '../platform/errors.js';
import { changeTripDestination, getVisibleTrip, viewTrip, type Viewer } from '../modules/trips/index.js';
import type { UnitDeps } from './deps.js';

export type ChangeDestinationDeps = UnitDeps;

export interface ChangeDestinationInput {
  rider: Viewer;
  tripId: string;
  dropoff: { lat: number; lng: number; address?: string };
}

/**
 * The rider changes where the ride ends. The quote was for the old route, so
 * completion re-prices the trip (same tariff version) and the receipt says
 * why; the driver hears `trip:destination_changed` after commit.
 */
export async function changeDestination(deps: ChangeDestinationDeps, input: ChangeDestinationInput) {
  const row = await runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
    const trip = await getVisibleTrip(tx, input.tripId, input.rider);
    if (trip.rider_id !== input.rider.id) throw forbidden('Only the rider can change the destination');
    return changeTripDestination(tx, events, { trip, dropoff: input.dropoff, change: 'destination_changed' });
  });
  return viewTrip(deps.db, row, input.rider);
}
