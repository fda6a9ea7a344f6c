import { z } from 'zod';
import { defineTask } from '../../platform/jobs/task.js';

/** Enqueued with the message (same transaction): members away from the app hear of it by push (chat.tasks.ts). */
export const chatOfflinePushTask = defineTask({
  name: 'chat.offline_push',
  schema: z.object({ messageId: z.uuid() }),
  maxAttempts: 5,
});
