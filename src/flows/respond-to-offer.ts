import { runUnitOfWork } from '../platform/events/unit-of-work.js';
import { isUniqueViolation } from '../platform/db/transaction.js';
import { conflict, forbidden } from '../platform/errors.js';
import { driverStates } from '../modules/drivers/index.js';
import {
  countOfferOutcome,
  moveTrip,
  recordMatch,
  viewTrip,
  type TripRow,
  type Viewer,
  tripOffers,
  tripRecords,
} from '../modules/trips/index.js';
import type { Tx } from '../platform/db/database.js';
import type { EventRecorder } from '../platform/events/unit-of-work.js';
import { openTripChat } from '../modules/chat/index.js';
import type { UnitDeps } from './deps.js';

async function explainLostOffer(tx: Tx, tripId: string, driverId: string): Promise<never> {
  const offer = await tripOffers.find(tx, tripId, driverId);
  if (!offer) throw forbidden('This trip was never offered to you');
  throw conflict(`Offer is no longer open (${offer.status === 'pending' ? 'expired' : offer.status})`);
}

/**
 * Accept = two compare-and-sets in one transaction, trip row then offer row:
 * only the first driver to flip the trip out of `searching` wins; every other
 * waits on that row lock and then gets 409. The trip row is locked FIRST, as
 * cancel and the search timeout do, because the winner then closes every
 * other pending offer: had the losers locked their offer rows first, each
 * would hold a row the winner needs while waiting for the winner's trip row
 * (a deadlock per loser, 1 s each to detect). The partial unique index on
 * active trips per driver stops one driver winning two trips.
 */
async function acceptOffer(tx: Tx, events: EventRecorder, tripId: string, driverId: string) {
  const open = await tripOffers.find(tx, tripId, driverId);
  if (!open || open.status !== 'pending' || open.expires_at <= new Date())
    return explainLostOffer(tx, tripId, driverId);
  const trip = await tripRecords.find(tx, tripId);
  if (!trip || trip.status !== 'searching') throw conflict('Trip was already taken');
  let accepted;
  try {
    accepted = await moveTrip(tx, events, {
      trip,
      to: 'accepted',
      actorId: driverId,
      set: { driver_id: driverId, accepted_at: new Date() },
    });
  } catch (err) {
    if (isUniqueViolation(err, 'trips_one_active_per_driver')) throw conflict('You already have an active trip');
    throw err;
  }
  // Withdrawn or expired between our read and the trip lock: roll the whole acceptance back.
  if (!(await tripOffers.respond(tx, { tripId, driverId, to: 'accepted' })))
    return explainLostOffer(tx, tripId, driverId);
  await settleMatch(tx, events, accepted, driverId);
  return accepted;
}

/**
 * What every match does in the accept transaction, however it was won (first
 * accept or a selected bid): the chat room opens, the driver is busy, their
 * acceptance rate counts it, and every other open offer is withdrawn.
 */
export async function settleMatch(tx: Tx, events: EventRecorder, accepted: TripRow, driverId: string) {
  const tripId = accepted.id;
  await openTripChat(tx, { tripId, riderId: accepted.rider_id, driverId });
  await driverStates.transition(tx, { userId: driverId, from: ['available', 'offered', 'cooldown'], to: 'busy' });
  await driverStates.recordOfferOutcome(tx, driverId, true);
  const withdrawn = await tripOffers.closePending(tx, tripId, 'withdrawn');
  if (withdrawn.length > 0) {
    await events.record({
      type: 'trip.offers_withdrawn',
      aggregateType: 'trip',
      aggregateId: tripId,
      actorId: null,
      payload: { tripId, driverIds: withdrawn },
    });
  }
}

async function declineOffer(tx: Tx, tripId: string, driverId: string) {
  const offer = await tripOffers.respond(tx, { tripId, driverId, to: 'declined' });
  if (!offer) return explainLostOffer(tx, tripId, driverId);
  await driverStates.recordOfferOutcome(tx, driverId, false);
  await driverStates.transition(tx, { userId: driverId, from: ['offered'], to: 'available' });
  return (await tripRecords.find(tx, tripId))!;
}

export interface OfferAnswer {
  driver: Viewer;
  tripId: string;
  action: 'accept' | 'decline';
}

/** First-accept race or a decline, in one transaction. */
export async function respondToTripOffer(deps: UnitDeps, { driver, tripId, action }: OfferAnswer) {
  const trip = await runUnitOfWork(deps.db, deps.bus, (tx, events) =>
    action === 'accept' ? acceptOffer(tx, events, tripId, driver.id) : declineOffer(tx, tripId, driver.id),
  );
  if (action === 'accept') recordMatch(trip);
  else countOfferOutcome('declined');
  return viewTrip(deps.db, trip, driver);
}
