export {
  acceptanceRate,
  setAvailability,
  driverStates,
  driverProfiles,
  driverStanding,
  toDriverProfile,
} from './drivers.service.js';
export type { DriverProfileRow, DriverState } from './drivers.repo.js';
export { AvailabilityRequest, AdminDriverSchema } from './drivers.schema.js';
export { registerDriverRoutes } from './drivers.routes.js';
export { driverCards, forgetDriverCard } from './driver-cards.js';
export { collectDriverGauges, clearDriverGauges } from './drivers.metrics.js';
