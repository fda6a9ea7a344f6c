import type { Tx } from '../platform/db/database.js';
import { runUnitOfWork, type EventRecorder } from '../platform/events/unit-of-work.js';
import { isUniqueViolation } from '../platform/db/transaction.js';
import { AppError, ErrorCode, conflict, forbidden, notFound } from '../platform/errors.js';
import { linesForBid, type FareItem, type PricingService } from '../modules/pricing/index.js';
import type { Dispatcher } from '../modules/dispatch/index.js';
import {
  getVisibleTrip,
  moveTrip,
  recordMatch,
  viewTrip,
  type TripRow,
  type Viewer,
  tripOffers,
  tripRecords,
} from '../modules/trips/index.js';
import type { Logger } from '../platform/observability/logger.js';
import type { RealtimeHub } from '../platform/realtime/emitter.js';
import { respondToTripOffer, type OfferAnswer } from './respond-to-offer.js';
import { settleMatch, type MatchDeps } from './settle-match.js';
import type { UnitDeps } from './deps.js';
import { providerBusyConflict } from './provider-busy.js';

/** A bid may not exceed this multiple of the trip's estimate (the same 3× ceiling as surge, API.md). */
export const MAX_BID_MULTIPLE = 3;

export interface AnswerOfferDeps extends UnitDeps, MatchDeps {
  pricing: PricingService;
  dispatch: Dispatcher;
  /** Tells the rider about a bid as it lands. */
  realtime: RealtimeHub;
  log: Logger;
}

export interface AnswerOfferInput extends OfferAnswer {
  /** Piastres; a bid on broadcast_bid trips (the estimate when omitted), ignored otherwise. */
  bidAmount?: number;
}

/**
 * POST /trips/:id/driver-response. On a broadcast_bid trip, `accept` places a
 * bid (`bidAmount`, or the estimate when omitted) and the rider picks later;
 * on every other strategy it is the first-accept race of respond-to-offer.
 * A decline that leaves the round with no open offer starts the next round
 * at once (sequential dispatch moves on to the next driver without waiting).
 */
export async function answerOffer(deps: AnswerOfferDeps, input: AnswerOfferInput) {
  const { driver, tripId, action } = input;
  if (action === 'accept') {
    const trip = await tripRecords.find(deps.db, tripId);
    if (trip?.strategy === 'broadcast_bid')
      return bidOnTrip(deps, { driver, trip, amount: input.bidAmount ?? trip.fare_amount });
  }
  const view = await respondToTripOffer(deps, { driver, tripId, action });
  if (action === 'decline') {
    deps.dispatch
      .afterDecline(tripId)
      .catch((err: unknown) => deps.log.warn({ err, tripId }, 'dispatch: next round after decline failed'));
  }
  return view;
}

async function assertBidInRange(deps: Pick<AnswerOfferDeps, 'pricing'>, trip: TripRow, amount: number) {
  const { minFare } = await deps.pricing.tariff(trip.vehicle_class as Parameters<PricingService['tariff']>[0]);
  const max = trip.fare_amount * MAX_BID_MULTIPLE;
  if (amount < minFare || amount > max) {
    throw new AppError(ErrorCode.VALIDATION_ERROR, `bidAmount must be between ${minFare} and ${max} piastres`, [
      { field: 'body.bidAmount', message: 'out of range' },
    ]);
  }
}

async function explainRejectedBid(tx: Tx, tripId: string, driverId: string): Promise<never> {
  const offer = await tripOffers.find(tx, tripId, driverId);
  if (!offer) throw forbidden('This trip was never offered to you');
  if (offer.status === 'pending' && offer.bid_amount !== null) throw conflict('You already bid on this trip');
  throw conflict(`Offer is no longer open (${offer.status === 'pending' ? 'expired' : offer.status})`);
}

async function bidOnTrip(
  deps: AnswerOfferDeps,
  { driver, trip, amount }: { driver: Viewer; trip: TripRow; amount: number },
) {
  await assertBidInRange(deps, trip, amount);
  const row = await runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
    // The trip lock orders this with rounds and the rider's selection, and keeps event seqs gap-free.
    const locked = await tripRecords.lock(tx, trip.id);
    if (!locked || locked.status !== 'searching') throw conflict('Trip is no longer searching');
    const offer = await tripOffers.placeBid(tx, { tripId: trip.id, driverId: driver.id, amount });
    if (!offer) return explainRejectedBid(tx, trip.id, driver.id);
    await events.record({
      type: 'trip.bid_placed',
      aggregateType: 'trip',
      aggregateId: trip.id,
      actorId: driver.id,
      payload: { tripId: trip.id, driverId: driver.id, amount },
    });
    return { trip: locked, expiresAt: offer.expires_at };
  });
  deps.realtime.toUser(row.trip.rider_id, 'trip:bid', {
    tripId: trip.id,
    bidId: driver.id,
    driverId: driver.id,
    amount,
    currency: row.trip.fare_currency,
    expiresAt: row.expiresAt.toISOString(),
  });
  return viewTrip(deps.db, row.trip, driver);
}

async function acceptBid(
  tx: Tx,
  events: EventRecorder,
  deps: MatchDeps,
  { trip, driverId, riderId }: { trip: TripRow; driverId: string; riderId: string },
) {
  const offer = await tripOffers.find(tx, trip.id, driverId);
  if (!offer || offer.bid_amount === null) throw notFound('Bid');
  if (offer.status !== 'pending' || offer.expires_at.getTime() <= Date.now()) throw conflict('Bid is no longer open');
  let accepted: TripRow;
  try {
    accepted = await moveTrip(tx, events, {
      trip,
      to: 'accepted',
      actorId: riderId,
      // The bid is the price the rider agreed to: it becomes the upfront price, its lines still add up.
      set: {
        driver_id: driverId,
        accepted_at: new Date(),
        fare_amount: offer.bid_amount,
        quoted_fare: offer.bid_amount,
        fare_items: JSON.stringify(
          linesForBid(trip.fare_items as FareItem[] | null, trip.fare_amount, offer.bid_amount),
        ),
      },
    });
  } catch (err) {
    if (isUniqueViolation(err, 'trips_one_active_per_driver')) throw conflict('That driver is already on another trip');
    throw providerBusyConflict(err) ?? err;
  }
  if (!(await tripOffers.respond(tx, { tripId: trip.id, driverId, to: 'accepted' })))
    throw conflict('Bid is no longer open');
  await settleMatch(tx, events, deps, accepted);
  return accepted;
}

/**
 * POST /trips/:id/bids/:bidId/select — the rider picks a bid. `bidId` is the
 * bidding driver's id (an offer is unique per trip and driver). The trip is
 * accepted at the bid amount in one transaction: trip CAS (searching →
 * accepted), offer CAS, driver → busy, the other offers withdrawn.
 */
export async function selectBid(
  deps: UnitDeps & MatchDeps,
  { rider, tripId, bidId }: { rider: Viewer; tripId: string; bidId: string },
) {
  const row = await runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
    const trip = await getVisibleTrip(tx, tripId, rider);
    if (trip.rider_id !== rider.id) throw forbidden('Only the rider picks a bid');
    if (trip.strategy !== 'broadcast_bid') throw conflict('This trip does not take bids');
    if (trip.status !== 'searching') throw conflict(`Trip is ${trip.status}, not searching`);
    return acceptBid(tx, events, deps, { trip, driverId: bidId, riderId: rider.id });
  });
  recordMatch(row);
  return viewTrip(deps.db, row, rider);
}
