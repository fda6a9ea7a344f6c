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
} from './trips.service.js';
export { canTransition, CANCEL_RULES, ACTIVE_STATUSES, TERMINAL_STATUSES } from './trip-rules.js';
export { cancellationFee, type Canceller } from './cancellation-policy.js';
export { tripOffers, tripRecords } from './trip-records.service.js';
export type { TripRow, TripStatus } from './trips.repo.js';
export {
  TripSchema,
  CreateTripRequest,
  DriverResponseRequest,
  StatusRequest,
  CancelRequest,
  TripIdParams,
} from './trips.schema.js';
export {
  recordMatch,
  countOfferOutcome,
  countTripEvents,
  collectTripGauges,
  clearTripGauges,
} from './trips.metrics.js';
