export { AuthService, createLoginLockout } from './auth.service.js';
export { LoginRequest } from './auth.schema.js';
export { KeyRing } from './tokens.js';
export { SessionCache, SESSION_CACHE_LIMITS } from './session-cache.js';
export { registerAuthRoutes } from './auth.routes.js';
export { revokeAllSessionsOf } from './session-revocation.service.js';
