export { registerLifecycleRoutes, type LifecycleRouteDeps } from './lifecycle.routes.js';
export { registerRetentionTasks, scheduleRetentionJobs, RETENTION_JOBS, retentionJobKey } from './retention.tasks.js';
export { purgeLocationHistory, purgeIdempotencyKeys, purgeReadNotifications, archiveOldEvents, type RetentionResult } from './retention.service.js';
