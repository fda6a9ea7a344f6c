import {
  countPendingBids,
  driversWhoServedRider,
  driversWithOpenOffers,
  expireEarlierRounds,
  expireUnbidOffers,
  extendBids,
  listLiveBids,
  lockTrip,
  placeBid,
} from './offers.repo.js';
import {
  closePendingOffers,
  findDriversActiveTrips,
  findOffer,
  findTrip,
  listOffers,
  respondToOffer,
  withdrawDriverOffers,
} from './trips.repo.js';

/**
 * Offers and bids belong to the trip: `trip_offers` rows are part of the trip
 * aggregate, written under the trip's row lock, and accepting one is a single
 * transaction over the trip and the offer (both compare-and-set). Dispatch
 * runs rounds and flows accept or bid through this service; none of them
 * touches the table.
 */
export const tripOffers = {
  find: findOffer,
  list: listOffers,
  respond: respondToOffer,
  closePending: closePendingOffers,
  withdrawFromDriver: withdrawDriverOffers,
  expireEarlierRounds,
  expireUnbid: expireUnbidOffers,
  extendBids,
  placeBid,
  listLiveBids,
  countPendingBids,
  driversWithOpenOffers,
};

/** Trip rows for dispatch, location and flows: reads, and the row lock that orders every writer of a trip. */
export const tripRecords = {
  find: findTrip,
  lock: lockTrip,
  activeOfDrivers: findDriversActiveTrips,
  driversWhoServedRider,
};
