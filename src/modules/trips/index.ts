export { registerTripRoutes } from './trips.routes.js';
export { registerTripTasks, expireSearchTask } from './trips.tasks.js';
export {
  insertRequestedTrip,
  getVisibleTrip,
  listTripsFor,
  moveTrip,
  offerTrip,
  viewTrip,
  assertOtp,
  driverSummaries,
  type Viewer,
  type PricedRequest,
} from './trips.service.js';
export { canTransition, CANCEL_RULES, ACTIVE_STATUSES, TERMINAL_STATUSES } from './trip-rules.js';
export { cancellationFee, CANCELLATION_FEES, type Canceller } from './cancellation-policy.js';
export { findTrip, findDriversActiveTrips, findOffer, listOffers, respondToOffer, closePendingOffers, withdrawDriverOffers, type TripRow, type OfferRow, type TripStatus } from './trips.repo.js';
export {
  TripSchema,
  LatLngSchema,
  PlaceSchema,
  CreateTripRequest,
  DriverResponseRequest,
  StatusRequest,
  CancelRequest,
  TripIdParams,
  type TripView,
} from './trips.schema.js';
export { lockTrip, expireEarlierRounds, expireUnbidOffers, extendBids, placeBid, listLiveBids, countPendingBids, driversWithOpenOffers, driversWhoServedRider } from './dispatch-support.repo.js';
export { recordMatch, countOfferOutcome, countTripEvents, collectTripGauges, clearTripGauges, type OfferOutcome } from './trips.metrics.js';
