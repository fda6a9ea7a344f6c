export { notify, deliverNotificationTask, type NotifyInput } from './notifications.service.js';
export { registerNotificationTasks } from './notifications.tasks.js';
export type { Priority } from './notifications.repo.js';
