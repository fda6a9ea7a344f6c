import { z } from 'zod';
import { defineTask } from '../../platform/jobs/task.js';

/**
 * Daily reconciliation, from graphile-worker's crontab. `day` is only set by
 * runs queued by hand (and by the self-rescheduling chain this replaced).
 */
export const reconcileTask = defineTask({
  name: 'payments.reconcile',
  schema: z.object({
    day: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
  }),
  maxAttempts: 5,
});

/** 00:30 UTC (02:30/03:30 Cairo): after the day's traffic, before the finance team starts. */
export const RECONCILE_CRON = '30 0 * * *';
