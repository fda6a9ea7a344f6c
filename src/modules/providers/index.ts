export { registerProviderRoutes } from './providers.routes.js';
export { getProviderProfile } from './providers.service.js';
export { providerPersonalData } from './personal-data.service.js';

export { fitsWorkingHours } from './working-hours.js';
export { registerCapabilityRoutes } from './capabilities.routes.js';
export { providerCapabilities } from './capabilities.service.js';
