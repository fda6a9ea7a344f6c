import { z } from 'zod';
import { defineTask } from '../../platform/jobs/task.js';

/** Sends one card refund to Kashier and records the answer; keyed by the refund, so it runs once. */
export const cardRefundTask = defineTask({
  name: 'payments.card_refund',
  schema: z.object({ refundId: z.uuid() }),
  maxAttempts: 8,
});
