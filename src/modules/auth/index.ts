export { AuthService, type AuthSettings } from './auth.service.js';
export { KeyRing } from './tokens.js';
export { registerAuthRoutes } from './auth.routes.js';
