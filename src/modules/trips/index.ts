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
  changeTripDestination,
  driverSummaries,
  currentTripOf,
  type Viewer,
} from './trips.service.js';
export { canTransition, CANCEL_RULES, ACTIVE_STATUSES, TERMINAL_STATUSES } from './trip-rules.js';
export { cancellationFee, type Canceller } from './cancellation-policy.js';
export { fleetMap, tripOffers, tripRecords, tripReports } from './trip-records.service.js';
export type { TripOnMap } from './fleet-map.repo.js';
export type { TripRow, TripStatus } from './trips.repo.js';
export type { ReassignReason, ScheduleStep } from './trips.events.js';
export { pickupWatchTask, pickupWatchJobKey, scheduledHoldTask, scheduledHoldJobKey } from './trip-watch.task.js';
export {
  TripSchema,
  CreateTripRequest,
  DriverResponseRequest,
  StatusRequest,
  CancelRequest,
  TripIdParams,
  DestinationRequest,
  StopsRequest,
  StopParams,
  StopsAnswerSchema,
} from './trips.schema.js';
export {
  assertStopsChangeable,
  assertStopsNear,
  markTripStop,
  setTripStops,
  stopsOf,
  stopWaitingMinutes,
  type StopAction,
  type StopPlace,
  type TripStop,
} from './trip-stops.js';
export {
  recordMatch,
  countOfferOutcome,
  countTripEvents,
  collectTripGauges,
  clearTripGauges,
} from './trips.metrics.js';
