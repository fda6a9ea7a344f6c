export { createLocationModule, syncDriverAvailability, isDriverOnline, type LocationModule } from './location.module.js';
export { registerLocationRoutes } from './location.routes.js';
export { registerLocationSocketEvents } from './location.socket.js';
export { registerLocationTasks, scheduleLocationMaintenance, maintainLocationStorage, maintainPartitionsTask } from './location.tasks.js';
export { findNearbyDrivers, FRESH_WITHIN_MS, type NearbyCandidate, type NearbyDriversQuery } from './nearby.js';
export { subscribeTripLocations, type TripLocation, type TripLocationListener } from './trip-feed.js';
export { LocationPointSchema, type LocationPoint } from './location.schema.js';
export { COALESCE_MS, PRESENCE_TTL_MS, ROUTE_ACCURACY_M } from './location.service.js';
export { MAX_ROUTE_POINTS } from './route-sampling.js';
