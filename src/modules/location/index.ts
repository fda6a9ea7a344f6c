export {
  createLocationModule,
  syncDriverAvailability,
  isDriverOnline,
  type LocationModule,
} from './location.module.js';
export { locationPersonalData } from './personal-data.service.js';
export { registerLocationRoutes } from './location.routes.js';
export { registerFraudFlagRoutes } from './fraud-flags.routes.js';
export { driverFraudFlags } from './fraud-flags.service.js';
export { registerLocationSocketEvents } from './location.socket.js';
export { registerLocationTasks, scheduleLocationMaintenance, maintainLocationStorage } from './location.tasks.js';
export { findNearbyDrivers } from './nearby.js';
export type { TripLocation } from './trip-feed.js';
export type { LocationService } from './location.service.js';

export { MAX_ROUTE_POINTS } from './route-sampling.js';
export { locationHistory } from './location-history.service.js';
export { LocationPointSchema, RouteResponse, StopRequest } from './location.schema.js';
