import { z } from 'zod';
import { Counter, Gauge } from 'prom-client';
import { defineTask, JobPriority, type TaskDefinition } from '../../platform/jobs/task.js';
import { DAILY_BACKFILL_MS } from '../../platform/jobs/crontab.js';
import { metricsRegistry } from '../../platform/observability/metrics.js';
import type { TaskDeps } from '../../platform/jobs/queue.js';
import type { Db } from '../../platform/db/database.js';
import type { Config } from '../../config.js';
import {
  archiveOldEvents,
  purgeIdempotencyKeys,
  purgeLocationHistory,
  purgeReadNotifications,
  type RetentionResult,
} from './retention.service.js';

const removedTotal = new Counter({
  name: 'smartline_retention_removed_total',
  help: 'Rows (or partitions, for location history) removed or archived by retention tasks',
  labelNames: ['task'],
  registers: [metricsRegistry],
});
const lastSuccess = new Gauge({
  name: 'smartline_retention_last_success_timestamp_seconds',
  help: 'When each retention task last finished without error',
  labelNames: ['task'],
  registers: [metricsRegistry],
});

export type RetentionSettings = Pick<
  Config,
  | 'RETENTION_RUN_HOUR_UTC'
  | 'RETENTION_LOCATION_HISTORY_DAYS'
  | 'RETENTION_IDEMPOTENCY_HOURS'
  | 'RETENTION_READ_NOTIFICATIONS_DAYS'
  | 'EVENTS_ARCHIVE_AFTER_DAYS'
>;

export interface RetentionDeps extends Pick<TaskDeps, 'db' | 'jobs'> {
  settings: RetentionSettings;
}

export interface RetentionJob {
  task: TaskDefinition;
  /** Minutes after RETENTION_RUN_HOUR_UTC: staggered so they do not all hit the database at once. */
  minute: number;
  run(db: Db, settings: RetentionSettings): Promise<RetentionResult>;
}

const daily = (name: string) => defineTask({ name, schema: z.object({}), maxAttempts: 5 });

export const RETENTION_JOBS: readonly RetentionJob[] = [
  {
    task: daily('lifecycle.purge_location_history'),
    minute: 0,
    run: (db, c) => purgeLocationHistory(db, c.RETENTION_LOCATION_HISTORY_DAYS),
  },
  {
    task: daily('lifecycle.purge_idempotency_keys'),
    minute: 10,
    run: (db, c) => purgeIdempotencyKeys(db, c.RETENTION_IDEMPOTENCY_HOURS),
  },
  {
    task: daily('lifecycle.purge_read_notifications'),
    minute: 20,
    run: (db, c) => purgeReadNotifications(db, c.RETENTION_READ_NOTIFICATIONS_DAYS),
  },
  {
    task: daily('lifecycle.archive_events'),
    minute: 30,
    run: (db, c) => archiveOldEvents(db, c.EVENTS_ARCHIVE_AFTER_DAYS),
  },
];

/** The crontab line of a retention job: daily at RETENTION_RUN_HOUR_UTC plus its stagger, UTC. */
export const retentionCron = (job: RetentionJob, hourUtc: number) => `${job.minute} ${hourUtc} * * *`;

/**
 * Daily through graphile-worker's crontab: one run per day in the whole
 * cluster; a failing run retries with backoff (maxAttempts) and the next day
 * runs regardless.
 */
export function registerRetentionTasks(deps: RetentionDeps) {
  for (const job of RETENTION_JOBS) {
    deps.jobs.register(job.task, async (_payload, ctx) => {
      const result = await job.run(deps.db, deps.settings);
      removedTotal.inc({ task: job.task.name }, result.removed);
      lastSuccess.set({ task: job.task.name }, Date.now() / 1000);
      ctx.log.info({ ...result }, 'retention task done');
    });
    deps.jobs.schedule(job.task, retentionCron(job, deps.settings.RETENTION_RUN_HOUR_UTC), {
      backfillMs: DAILY_BACKFILL_MS,
      priority: JobPriority.LOW,
    });
  }
}
