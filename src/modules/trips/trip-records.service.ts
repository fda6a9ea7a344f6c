import type { DbHandle } from '../../platform/db/database.js';
import {
  countPendingBids,
  driversWhoServedRider,
  driversWithOpenOffers,
  expireEarlierRounds,
  offersOfRound,
  pendingOffersOfDriver,
  markOfferSeen,
  expireUnbidOffers,
  extendBids,
  listLiveBids,
  lockTrip,
  placeBid,
  closePendingOffers,
  findOffer,
  insertOffers,
  listOffers,
  respondToOffer,
  withdrawDriverOffers,
} from './offers.repo.js';
import { offeredDrivers, tripsUnderWay } from './fleet-map.repo.js';
import { driverActivityBetween, searchTrips } from './trip-search.repo.js';
import { countTripsInStatus, findDriversActiveTrips, findTrip, markCancellationFeeWaived } from './trips.repo.js';

const wholeMetres = (m: number | undefined) => (m === undefined ? null : Math.max(0, Math.round(m)));

/**
 * Offers and bids belong to the trip: `trip_offers` rows are part of the trip
 * aggregate, written under the trip's row lock, and accepting one is a single
 * transaction over the trip and the offer (both compare-and-set). Dispatch
 * runs rounds and flows accept or bid through this service; none of them
 * touches the table. Since migration 0045 the table also holds the offers of
 * service requests (the same dispatch engine offers both); `trip_id` is then
 * the request's id, written under the request's row lock.
 */
export const tripOffers = {
  /** One round's offers of a job (a trip or a service request), under the job's row lock. */
  insertForJob: (
    tx: DbHandle,
    a: {
      jobId: string;
      driverIds: string[];
      round: number;
      expiresAt: Date;
      distancesM: Map<string, number>;
      /** The dispatch score per driver; absent when the round ranked by distance only. */
      scores?: Map<string, number>;
    },
  ) =>
    insertOffers(
      tx,
      a.driverIds.map((driverId) => ({
        trip_id: a.jobId,
        driver_id: driverId,
        round: a.round,
        expires_at: a.expiresAt,
        distance_to_pickup_m: wholeMetres(a.distancesM.get(driverId)),
        score: a.scores?.get(driverId) ?? null,
      })),
    ),
  find: findOffer,
  list: listOffers,
  respond: respondToOffer,
  closePending: closePendingOffers,
  withdrawFromDriver: withdrawDriverOffers,
  expireEarlierRounds,
  offersOfRound,
  pendingOffersOfDriver,
  markOfferSeen,
  expireUnbid: expireUnbidOffers,
  extendBids,
  placeBid,
  listLiveBids,
  countPendingBids,
  driversWithOpenOffers,
  pendingOfDriver: pendingOffersOfDriver,
  ofRound: offersOfRound,
  markSeen: markOfferSeen,
};

/**
 * Trip rows for dispatch, location, flows and reconciliation: reads, and the row lock that orders every writer of a
 * trip.
 */
export const tripRecords = {
  find: findTrip,
  lock: lockTrip,
  activeOfDrivers: findDriversActiveTrips,
  driversWhoServedRider,
  markFeeWaived: markCancellationFeeWaived,
  countInStatus: countTripsInStatus,
};

/** What the console's live map reads once per tick per node (src/modules/console/fleet-feed.ts). */
export const fleetMap = { tripsUnderWay, offeredDrivers };

/** The console's reads: trip search (issue 19.4) and a driver's day (issue 19.5). */
export const tripReports = { search: searchTrips, driverActivityBetween };
