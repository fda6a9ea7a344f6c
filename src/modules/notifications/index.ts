export { notificationPersonalData } from './personal-data.service.js';
export { notify, notifyOnce, pushDevices, type NotifyInput } from './notifications.service.js';
export { queueDeliveries } from './delivery.task.js';
export { deliveryReceipts } from './delivery-receipts.service.js';
export { registerNotificationTasks } from './notifications.tasks.js';
export { registerNotificationRoutes } from './notifications.routes.js';
export { deliveryStatusFor } from './delivery-status.js';

export type { NewDelivery } from './deliveries.repo.js';
export type { Priority } from './notifications.repo.js';
export { notificationRetention } from './notification-retention.service.js';
export { renderTemplate } from './templates/index.js';
export { noticesAbout, type NoticeSubject } from './notices-about.js';
