import { runUnitOfWork } from '../platform/events/unit-of-work.js';
import { isExclusionViolation, isUniqueViolation } from '../platform/db/transaction.js';
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
import type { UnitDeps } from './deps.js';
import { providerBusyConflict } from './provider-busy.js';
import type { TripWatchSettings } from './reassign-trip.js';
import { settleMatch, settleReservation, type MatchDeps } from './settle-match.js';

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
async function acceptOffer(tx: Tx, events: EventRecorder, deps: MatchDeps, a: { tripId: string; driverId: string }) {
  const { tripId, driverId } = a;
  const open = await tripOffers.find(tx, tripId, driverId);
  if (!open || open.status !== 'pending' || open.expires_at <= new Date())
    return explainLostOffer(tx, tripId, driverId);
  const trip = await tripRecords.find(tx, tripId);
  if (!trip || trip.status !== 'searching') throw conflict('Trip was already taken');
  const reserve = isReservation(trip, deps.tripWatch);
  let accepted;
  try {
    accepted = await moveTrip(tx, events, {
      trip,
      to: reserve ? 'scheduled' : 'accepted',
      actorId: driverId,
      set: matchColumns(trip, driverId, reserve, deps.tripWatch),
    });
  } catch (err) {
    if (isUniqueViolation(err, 'trips_one_active_per_driver')) throw conflict('You already have an active trip');
    if (isExclusionViolation(err, 'trips_scheduled_no_overlap'))
      throw conflict('You hold another scheduled trip at that time');
    throw providerBusyConflict(err) ?? err;
  }
  // Withdrawn or expired between our read and the trip lock: roll the whole acceptance back.
  if (!(await tripOffers.respond(tx, { tripId, driverId, to: 'accepted' })))
    return explainLostOffer(tx, tripId, driverId);
  if (reserve) await settleReservation(tx, events, deps, accepted);
  else await settleMatch(tx, events, deps, accepted);
  return accepted;
}

/**
 * A scheduled trip accepted before its confirmation deadline is a reservation: it stays `scheduled` with the
 * driver, who is free for other work until they confirm. Accepted later (a backup search close to pickup), the
 * accept is the confirmation.
 */
function isReservation(trip: TripRow, watch: TripWatchSettings): boolean {
  return trip.scheduled_at !== null && trip.scheduled_at.getTime() - watch.confirmLeadMs > Date.now();
}

function matchColumns(trip: TripRow, driverId: string, reserve: boolean, watch: TripWatchSettings) {
  const now = new Date();
  const hold = trip.scheduled_at ? { hold_ends_at: new Date(trip.scheduled_at.getTime() + watch.holdMs) } : {};
  if (reserve) return { driver_id: driverId, ...hold };
  return { driver_id: driverId, accepted_at: now, ...hold, ...(trip.scheduled_at ? { confirmed_at: now } : {}) };
}

async function declineOffer(tx: Tx, tripId: string, driverId: string) {
  const offer = await tripOffers.respond(tx, { tripId, driverId, to: 'declined' });
  if (!offer) return explainLostOffer(tx, tripId, driverId);
  await driverStates.recordOfferOutcome(tx, driverId, false);
  await driverStates.transition(tx, { userId: driverId, from: ['offered'], to: 'available' });
  return (await tripRecords.find(tx, tripId))!;
}

export type RespondDeps = UnitDeps & MatchDeps;

export interface OfferAnswer {
  driver: Viewer;
  tripId: string;
  action: 'accept' | 'decline';
}

/** First-accept race or a decline, in one transaction. */
export async function respondToTripOffer(deps: RespondDeps, { driver, tripId, action }: OfferAnswer) {
  const trip = await runUnitOfWork(deps.db, deps.bus, (tx, events) =>
    action === 'accept'
      ? acceptOffer(tx, events, deps, { tripId, driverId: driver.id })
      : declineOffer(tx, tripId, driver.id),
  );
  if (action === 'accept') recordMatch(trip);
  else countOfferOutcome('declined');
  return viewTrip(deps.db, trip, driver);
}
