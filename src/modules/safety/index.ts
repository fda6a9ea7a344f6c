export { eraseSafetyDataOf } from './contacts.repo.js';
export { createSafety, type SafetyModule } from './safety.module.js';
export { registerSafetyRoutes } from './safety.routes.js';
export { sosTriggerEvent } from './sos.socket.js';
export { SosService, type SosTriggerInput } from './sos.service.js';
export { SosRequest, SosTriggerEvent, SosAlertSchema } from './safety.schema.js';
export { LatestPositions, type TripLocationPoint, type Position, type PositionFallback } from './trip-positions.js';
export { checkFix, distanceToSegmentM, type SafetyKind } from './ride-checks.js';
