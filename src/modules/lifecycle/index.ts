export { registerLifecycleRoutes } from './lifecycle.routes.js';
export { registerRetentionTasks, scheduleRetentionJobs, RETENTION_JOBS, retentionJobKey } from './retention.tasks.js';
export {
  purgeLocationHistory,
  purgeIdempotencyKeys,
  purgeReadNotifications,
  archiveOldEvents,
} from './retention.service.js';
