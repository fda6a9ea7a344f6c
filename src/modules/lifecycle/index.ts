export { registerLifecycleRoutes } from './lifecycle.routes.js';
export { registerRetentionTasks, RETENTION_JOBS, retentionCron } from './retention.tasks.js';
export {
  purgeLocationHistory,
  purgeIdempotencyKeys,
  purgeReadNotifications,
  archiveOldEvents,
} from './retention.service.js';
