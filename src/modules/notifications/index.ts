export { notify, fanOutNotification, toNotificationView, type NotifyInput } from './notifications.service.js';
export { deliverNotificationTask, sendDeliveryTask, queueDeliveries, deliveryPolicy, type QueuedDelivery } from './delivery.tasks.js';
export { markDeliverySent as recordDeliverySent } from './deliveries.repo.js';
export { registerNotificationTasks, messagingProvidersFor } from './notifications.tasks.js';
export { registerNotificationRoutes } from './notifications.routes.js';
export { deliveryStatusFor, type DeliveryStatusView } from './delivery-status.js';
export { renderTemplate } from './templates.js';
export type { NewDelivery, RecipientKind, DeliveryStatus } from './deliveries.repo.js';
export type { Priority, Channel } from './notifications.repo.js';
