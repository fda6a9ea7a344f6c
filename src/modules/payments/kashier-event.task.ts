import { z } from 'zod';
import { defineTask } from '../../platform/jobs/task.js';

/** Applies one recorded Kashier event (credit, hold, fail…); keyed by the provider transaction, so it runs once. */
export const kashierEventTask = defineTask({
  name: 'payments.kashier_event',
  schema: z.object({ event: z.string().min(1).max(50), transactionId: z.string().min(1).max(200) }),
  maxAttempts: 10,
});
