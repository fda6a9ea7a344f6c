export { ApiKeyService } from './api-keys.service.js';
export { registerApiKeyRoutes } from './api-keys.routes.js';
