export { AuthService, createLoginLockout, type AuthSettings } from './auth.service.js';
export { KeyRing } from './tokens.js';
export { SessionCache, SESSION_CACHE_LIMITS, sessionsChannel } from './session-cache.js';
export { registerAuthRoutes } from './auth.routes.js';
