export { registerProviderRoutes } from './providers.routes.js';
export { getProviderProfile } from './providers.service.js';
export { providerPersonalData } from './personal-data.service.js';

export { fitsWorkingHours, SERVICE_TIME_ZONE } from './working-hours.js';
