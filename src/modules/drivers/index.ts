export { acceptanceRate, setAvailability, driverStates, driverProfiles } from './drivers.service.js';
export type { DriverProfileRow, DriverState } from './drivers.repo.js';
export { AvailabilityRequest } from './drivers.schema.js';
export { registerDriverRoutes } from './drivers.routes.js';
export { driverCards, forgetDriverCard } from './driver-cards.js';
export { collectDriverGauges, clearDriverGauges } from './drivers.metrics.js';
