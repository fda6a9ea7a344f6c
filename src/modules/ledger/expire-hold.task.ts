import { z } from 'zod';
import { defineTask } from '../../platform/jobs/task.js';

/** Voids one hold once its timeout has passed (enqueued with the hold, keyed by it). */
export const expireHoldTask = defineTask({
  name: 'ledger.expire_hold',
  schema: z.object({ transferId: z.string().min(1).max(128) }),
  maxAttempts: 10,
});
