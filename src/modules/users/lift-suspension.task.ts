import { z } from 'zod';
import { defineTask } from '../../platform/jobs/task.js';

/**
 * A suspension with an end lifts itself at `until`; a no-op when the
 * suspension was lifted or replaced meanwhile (`until` no longer matches).
 */
export const liftSuspensionTask = defineTask({
  name: 'users.lift_suspension',
  schema: z.object({ userId: z.uuid(), until: z.iso.datetime() }),
  maxAttempts: 10,
});

export const liftSuspensionJobKey = (userId: string) => `users.lift_suspension:${userId}`;
