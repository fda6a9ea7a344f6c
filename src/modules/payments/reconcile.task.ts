import { z } from 'zod';
import type { DbHandle } from '../../platform/db/database.js';
import { defineTask } from '../../platform/jobs/task.js';
import type { PaymentsDeps } from './payments.deps.js';

/** Daily reconciliation; each run schedules the next (one job key per day, so restarts never duplicate it). */
export const reconcileTask = defineTask({
  name: 'payments.reconcile',
  schema: z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
  maxAttempts: 5,
});

/** 00:30 UTC (02:30/03:30 Cairo): after the day's traffic, before the finance team starts. */
const RUN_MINUTE_UTC = 30;

export function nextDailyRun(after: Date): Date {
  const run = new Date(Date.UTC(after.getUTCFullYear(), after.getUTCMonth(), after.getUTCDate(), 0, RUN_MINUTE_UTC));
  if (run <= after) run.setUTCDate(run.getUTCDate() + 1);
  return run;
}

/**
 * Enqueues the next daily run. The key and run time depend only on the day,
 * so every node calling this at start-up lands on the same single job.
 */
export async function scheduleReconciliation(deps: PaymentsDeps, db: DbHandle, after = new Date()) {
  const runAt = nextDailyRun(after);
  const day = runAt.toISOString().slice(0, 10);
  await deps.jobs.enqueue(db, reconcileTask, { day }, { jobKey: `payments.reconcile:${day}`, runAt });
}
