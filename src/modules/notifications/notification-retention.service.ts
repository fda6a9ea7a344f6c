import { deleteReadNotificationsBatch } from './notifications.repo.js';

/** Read notifications are deleted in small batches by the lifecycle module's retention job. */
export const notificationRetention = { deleteReadBatch: deleteReadNotificationsBatch };
