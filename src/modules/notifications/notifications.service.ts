import { z } from 'zod';
import type { DbHandle } from '../../platform/db/database.js';
import { defineTask, JobPriority } from '../../platform/jobs/task.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import { insertNotification, type Priority } from './notifications.repo.js';

export const deliverNotificationTask = defineTask({
  name: 'notifications.deliver',
  schema: z.object({ notificationId: z.uuid() }),
  maxAttempts: 8,
});

export interface NotifyInput {
  userId: string;
  template: string;
  data: Record<string, unknown>;
  priority: Priority;
}

/**
 * The one way to tell a user something: stores it in their inbox and enqueues
 * delivery in the caller's transaction, so a rolled-back change notifies nobody.
 * Priority becomes job priority (CRITICAL overtakes queued LOW work).
 */
export async function notify(tx: DbHandle, jobs: JobQueue, input: NotifyInput) {
  const row = await insertNotification(tx, input);
  await jobs.enqueue(tx, deliverNotificationTask, { notificationId: row.id }, { priority: JobPriority[input.priority] });
  return row.id;
}
