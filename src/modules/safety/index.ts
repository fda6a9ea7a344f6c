export { safetyPersonalData } from './personal-data.service.js';
export { createSafety } from './safety.module.js';
export { registerSafetyRoutes } from './safety.routes.js';
export { sosTriggerEvent } from './sos.socket.js';
export type { UnattendedTrips } from './safety.tasks.js';
