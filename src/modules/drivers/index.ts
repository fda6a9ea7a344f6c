export {
  acceptanceRate,
  toDriverProfile,
  saveProfile,
  approveDriver,
  setAvailability,
  getDriverProfile,
} from './drivers.service.js';
export { findProfile, findProfiles, transitionState, recordOfferOutcome, incrementTripsCompleted, claimForOffer, releaseOffered } from './drivers.repo.js';
export type { DriverProfileRow, DriverState, Vehicle } from './drivers.repo.js';
export { DriverProfileSchema, AvailabilityRequest } from './drivers.schema.js';
export { registerDriverRoutes } from './drivers.routes.js';
export { driverCards, forgetDriverCard } from './driver-cards.js';
export { collectDriverGauges, clearDriverGauges } from './drivers.metrics.js';
