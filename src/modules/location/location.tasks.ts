import { z } from 'zod';
import { defineTask } from '../../platform/jobs/task.js';
import type { Db } from '../../platform/db/database.js';
import type { TaskDeps } from '../../platform/jobs/queue.js';
import { createHistoryPartition, deleteDriverLocationsBefore } from './location.repo.js';

const DAY_MS = 86_400_000;
/** Partitions exist this many days ahead, so a week of the job not running loses nothing. */
export const PARTITIONS_AHEAD_DAYS = 7;
/** Last-known positions not refreshed for this long belong to drivers who left. */
const LAST_KNOWN_RETENTION_DAYS = 30;
/** Daily a few minutes after UTC midnight (start-up also runs it once: today's partition must exist). */
export const LOCATION_MAINTENANCE_CRON = '5 0 * * *';

export const maintainPartitionsTask = defineTask({
  name: 'location.maintain_partitions',
  schema: z.object({}),
  maxAttempts: 5,
});
const JOB_KEY = 'location:maintain-partitions';

const startOfUtcDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

/**
 * Creates today … +7 days and prunes stale last-known positions. Dropping old
 * days is retention policy: the lifecycle module's job does it, after
 * RETENTION_LOCATION_HISTORY_DAYS.
 */
export async function maintainLocationStorage(db: Db, now = Date.now()): Promise<{ created: number }> {
  const today = startOfUtcDay(now);
  for (let d = -1; d <= PARTITIONS_AHEAD_DAYS; d++) await createHistoryPartition(db, new Date(today + d * DAY_MS));
  await deleteDriverLocationsBefore(db, new Date(now - LAST_KNOWN_RETENTION_DAYS * DAY_MS));
  return { created: PARTITIONS_AHEAD_DAYS + 2 };
}

/** Enqueues a run now (job key: at most one pending run); start-up calls it, the crontab does the daily ones. */
export async function scheduleLocationMaintenance(
  deps: Pick<TaskDeps, 'db' | 'jobs'>,
  runAt = new Date(),
): Promise<void> {
  await deps.jobs.enqueue(deps.db, maintainPartitionsTask, {}, { jobKey: JOB_KEY, runAt });
}

export function registerLocationTasks(deps: Pick<TaskDeps, 'db' | 'jobs'>): void {
  deps.jobs.register(maintainPartitionsTask, async () => {
    await maintainLocationStorage(deps.db);
  });
  // Partitions exist a week ahead, so a missed day needs no backfill.
  deps.jobs.schedule(maintainPartitionsTask, LOCATION_MAINTENANCE_CRON);
}
