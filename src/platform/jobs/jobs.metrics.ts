import { Counter, Gauge, Histogram } from 'prom-client';
import type { DbHandle } from '../db/database.js';
import { metricsRegistry } from '../observability/metrics.js';
import { countOpenDeadLettersByTask, queueStatsByTask, type QueueState } from './jobs.repo.js';

/** Labels are task names (a fixed set in code) and enums; never payload values. */
export const jobSeconds = new Histogram({
  name: 'smartline_job_duration_seconds',
  help: 'Job attempt duration by task and outcome (ok, retry = failed and will run again, dead_lettered)',
  labelNames: ['task', 'outcome'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers: [metricsRegistry],
});

export const jobsDeadLettered = new Counter({
  name: 'smartline_jobs_dead_lettered_total',
  help: 'Jobs parked in dead_letters after exhausting their attempts, by task (counted where they ran)',
  labelNames: ['task'] as const,
  registers: [metricsRegistry],
});

const jobsQueued = new Gauge({
  name: 'smartline_jobs_queued',
  help:
    'Jobs in the queue by task and state (ready = due, waiting for a worker; scheduled = due later or backing ' +
    'off; running; failed = out of attempts), read on scrape',
  labelNames: ['task', 'state'] as const,
  registers: [metricsRegistry],
});

const jobsOldestReady = new Gauge({
  name: 'smartline_jobs_oldest_ready_age_seconds',
  help: 'How long the oldest due job of each task has waited for a worker, read on scrape',
  labelNames: ['task'] as const,
  registers: [metricsRegistry],
});

const deadLetters = new Gauge({
  name: 'smartline_jobs_dead_letters',
  help: 'Dead letters not yet re-queued, by task, read on scrape',
  labelNames: ['task'] as const,
  registers: [metricsRegistry],
});

const STATES: QueueState[] = ['ready', 'scheduled', 'running', 'failed'];

/**
 * Sets the queue gauges from the database (one GROUP BY each); throws when the
 * database does. Every registered task gets a sample (0 when idle), so a
 * drained queue reads 0 rather than a gap.
 */
export async function collectJobGauges(db: DbHandle, workerSchema: string, tasks: readonly string[]): Promise<void> {
  const [queue, dead] = await Promise.all([queueStatsByTask(db, workerSchema), countOpenDeadLettersByTask(db)]);
  clearJobGauges();
  for (const task of new Set([...tasks, ...queue.map((r) => r.task), ...dead.map((r) => r.task)])) {
    for (const state of STATES) jobsQueued.set({ task, state }, 0);
    jobsOldestReady.set({ task }, 0);
    deadLetters.set({ task }, 0);
  }
  for (const row of queue) {
    jobsQueued.set({ task: row.task, state: row.state }, row.n);
    if (row.state === 'ready') jobsOldestReady.set({ task: row.task }, row.oldest_s);
  }
  for (const row of dead) deadLetters.set({ task: row.task }, row.n);
}

/** Removes the database-derived samples (database unreachable: no sample beats a stale one). */
export function clearJobGauges(): void {
  jobsQueued.reset();
  jobsOldestReady.reset();
  deadLetters.reset();
}
