import type { Platform } from '../../platform/runtime.js';
import { findNotification } from './notifications.repo.js';
import { deliverNotificationTask } from './notifications.service.js';

/** Delivery over the socket channel; push/SMS/email providers plug in here. */
export function registerNotificationTasks(platform: Platform) {
  platform.jobs.register(deliverNotificationTask, async ({ notificationId }) => {
    const row = await findNotification(platform.database.db, notificationId);
    if (!row) return;
    if (platform.flags.isOn('NOTIFICATIONS_DEGRADED') && row.priority !== 'CRITICAL') return;
    platform.realtime.toUser(row.user_id, 'notification', {
      id: row.id,
      template: row.template,
      data: row.data as Record<string, unknown>,
      priority: row.priority,
      createdAt: row.created_at.toISOString(),
    });
  });
}
