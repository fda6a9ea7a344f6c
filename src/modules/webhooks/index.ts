export { WebhookService, MAX_ENDPOINTS, type WebhookCaller } from './webhooks.service.js';
export { registerWebhookRoutes } from './webhooks.routes.js';
export { registerWebhookTasks, webhookOutboxWriter } from './webhooks.tasks.js';
export { systemResolve, type UrlPolicy } from './url-policy.js';
export { sendWebhook, RESPONSE_SNIPPET_BYTES } from './sender.js';
export { WEBHOOK_EVENT_TYPES } from './webhook-events.js';
export type { DeliverySettings } from './delivery.js';
