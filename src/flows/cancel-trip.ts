import { runUnitOfWork } from '../platform/events/unit-of-work.js';
import { conflict, forbidden } from '../platform/errors.js';
import { driverStates } from '../modules/drivers/index.js';
import {
  CANCEL_RULES,
  cancellationFee,
  getVisibleTrip,
  moveTrip,
  viewTrip,
  type Canceller,
  type TripRow,
  type Viewer,
  tripOffers,
} from '../modules/trips/index.js';
import type { UnitDeps } from './deps.js';

export type CancelTripDeps = UnitDeps;

export interface CancelTripInput {
  actor: Viewer;
  tripId: string;
  reason: string;
  /** The rider's cancel-search: only before a match. */
  searchOnly?: boolean;
}

function cancellerOf(trip: TripRow, actor: Viewer): Canceller {
  if (actor.role === 'admin') return 'admin';
  if (actor.id === trip.rider_id) return 'rider';
  if (actor.id === trip.driver_id) return 'driver';
  throw forbidden('Not a party to this trip');
}

/**
 * Cancels a trip by rider, assigned driver or admin, applying the fee table;
 * open offers are withdrawn and the driver (if any) is free again, all in one
 * transaction. `searchOnly` is the rider's cancel-search: only before a match.
 */
export async function cancelTrip(deps: CancelTripDeps, input: CancelTripInput) {
  const { actor, tripId, ...opts } = input;
  const row = await runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
    const trip = await getVisibleTrip(tx, tripId, actor);
    const by = cancellerOf(trip, actor);
    if (opts.searchOnly && by !== 'rider') throw forbidden('Only the rider can cancel the search');
    const allowed = opts.searchOnly
      ? (['searching', 'scheduled', 'requested'] as TripRow['status'][])
      : CANCEL_RULES[by];
    if (!allowed.includes(trip.status)) throw conflict(`A ${by} cannot cancel a trip that is ${trip.status}`);
    const feeAmount = cancellationFee(trip, by, new Date());
    const cancellation = {
      by,
      reason: opts.reason,
      fee: feeAmount === null ? null : { amount: feeAmount, currency: trip.fare_currency },
    };
    const cancelled = await moveTrip(tx, events, {
      trip,
      to: 'cancelled',
      actorId: actor.id,
      set: { cancellation: JSON.stringify(cancellation) },
    });
    await events.record({
      type: 'trip.cancelled',
      aggregateType: 'trip',
      aggregateId: trip.id,
      actorId: actor.id,
      payload: { tripId: trip.id, by, reason: opts.reason, fee: feeAmount },
    });
    const withdrawn = await tripOffers.closePending(tx, trip.id, 'withdrawn');
    if (withdrawn.length > 0) {
      await events.record({
        type: 'trip.offers_withdrawn',
        aggregateType: 'trip',
        aggregateId: trip.id,
        actorId: null,
        payload: { tripId: trip.id, driverIds: withdrawn },
      });
    }
    if (trip.driver_id) await driverStates.transition(tx, { userId: trip.driver_id, from: ['busy'], to: 'available' });
    return cancelled;
  });
  return viewTrip(deps.db, row, actor);
}
