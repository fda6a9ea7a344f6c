export { registerProviderRoutes } from './providers.routes.js';
export { saveProviderProfile, getProviderProfile, toProviderProfile } from './providers.service.js';
export { findProviderProfile, deleteProviderProfile, type ProviderProfileRow } from './providers.repo.js';
export { ProviderProfileSchema, type ProviderProfile } from './providers.schema.js';
export { fitsWorkingHours, SERVICE_TIME_ZONE, type WorkingHours } from './working-hours.js';
