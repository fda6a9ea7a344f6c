import type { Tx } from '../platform/db/database.js';
import { runUnitOfWork, type EventRecorder } from '../platform/events/unit-of-work.js';
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
import { chargeCancellationFee } from '../modules/payments/index.js';
import { commissionSplit } from '../modules/pricing/index.js';
import { dropDriver, type ReassignTripDeps } from './reassign-trip.js';
import { commissionBpsOf, type SettleTripDeps } from './settle-trip.js';

export interface CancelTripDeps extends ReassignTripDeps {
  /** The fee's commission comes from the trip's tariff; a new driver wallet gets the configured credit limit. */
  settlement: Pick<SettleTripDeps, 'pricing' | 'driverCreditLimit'>;
}

export interface CancelTripInput {
  actor: Viewer;
  tripId: string;
  reason: string;
  /** The rider's cancel-search: only before a match. */
  searchOnly?: boolean;
}

/** The policy's fee moves in the cancel transaction: rider → driver, commission → platform (or owed as dues). */
async function chargeFee(deps: CancelTripDeps, tx: Tx, trip: TripRow, amount: number) {
  if (!trip.driver_id) return;
  const { commission } = commissionSplit(amount, await commissionBpsOf(deps.settlement, trip));
  await chargeCancellationFee(tx, {
    tripId: trip.id,
    riderId: trip.rider_id,
    driverId: trip.driver_id,
    amount,
    commission,
    driverCreditLimit: deps.settlement.driverCreditLimit,
  });
}

function cancellerOf(trip: TripRow, actor: Viewer): Canceller {
  if (actor.role === 'admin') return 'admin';
  if (actor.id === trip.rider_id) return 'rider';
  if (actor.id === trip.driver_id) return 'driver';
  throw forbidden('Not a party to this trip');
}

/**
 * The rider's or an admin's cancel: fee by the table, charged in this transaction (a repeated cancel finds the
 * trip cancelled and charges nothing), offers withdrawn, the driver (if any) free again.
 */
async function cancelForGood(
  deps: CancelTripDeps,
  tx: Tx,
  events: EventRecorder,
  { trip, by, actorId, reason }: { trip: TripRow; by: Canceller; actorId: string; reason: string },
) {
  const feeAmount = cancellationFee(trip, by, new Date());
  const cancellation = {
    by,
    reason,
    fee: feeAmount === null ? null : { amount: feeAmount, currency: trip.fare_currency },
  };
  const cancelled = await moveTrip(tx, events, {
    trip,
    to: 'cancelled',
    actorId,
    set: { cancellation: JSON.stringify(cancellation) },
  });
  await events.record({
    type: 'trip.cancelled',
    aggregateType: 'trip',
    aggregateId: trip.id,
    actorId,
    payload: { tripId: trip.id, by, reason, fee: feeAmount },
  });
  if (feeAmount !== null) await chargeFee(deps, tx, trip, feeAmount);
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
}

/**
 * Cancels a trip by rider or admin, applying the fee table; open offers are
 * withdrawn and the driver (if any) is free again, all in one transaction.
 * `searchOnly` is the rider's cancel-search: only before a match. The
 * assigned driver's cancel does not end the rider's trip (issue 16): it goes
 * back to searching without them (reassign-trip.ts), free for the rider.
 */
export async function cancelTrip(deps: CancelTripDeps, input: CancelTripInput) {
  const { actor, tripId, ...opts } = input;
  let reassigned = false;
  const row = await runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
    reassigned = false;
    const trip = await getVisibleTrip(tx, tripId, actor);
    const by = cancellerOf(trip, actor);
    if (opts.searchOnly && by !== 'rider') throw forbidden('Only the rider can cancel the search');
    const allowed = opts.searchOnly
      ? (['searching', 'scheduled', 'requested'] as TripRow['status'][])
      : CANCEL_RULES[by];
    if (!allowed.includes(trip.status)) throw conflict(`A ${by} cannot cancel a trip that is ${trip.status}`);
    if (by === 'driver') {
      const searching = await dropDriver(deps, tx, events, { tripId, driverId: actor.id, reason: 'driver_cancelled' });
      if (!searching) throw conflict('Trip changed meanwhile; reload and retry');
      reassigned = true;
      return searching;
    }
    return cancelForGood(deps, tx, events, { trip, by, actorId: actor.id, reason: opts.reason });
  });
  if (reassigned) deps.dispatch.afterRequest(row);
  return viewTrip(deps.db, row, actor);
}
