import { parseCronItems, type CronItem, type ParsedCronItem } from 'graphile-worker';
import type { TaskDefinition } from './task.js';

/**
 * A daily job whose worker was down at its minute still runs when a worker
 * starts within this window (graphile-worker backfill); later than that, the
 * next day's run does the work.
 */
export const DAILY_BACKFILL_MS = 6 * 3600_000;

export interface CronOptions {
  /** Unique per schedule; graphile-worker records its last run under it. Default: the task name. */
  identifier?: string;
  backfillMs?: number;
  priority?: number;
}

/** One line of the crontab, as an operator reads it. */
export interface CronEntry {
  identifier: string;
  task: string;
  match: string;
}

/**
 * The recurring jobs, handed to graphile-worker's cron (`parsedCronItems`).
 * Each tick runs once in the whole cluster however many workers run it
 * (graphile-worker keeps the last execution per identifier in
 * `_private_known_crontabs`), and the job key keeps at most one pending run
 * per schedule when workers lag.
 */
export class Crontab {
  private readonly items: CronItem[] = [];

  /** Throws at once on a bad pattern or a repeated identifier: a wrong BACKUP_CRON stops start-up, not a run. */
  add(def: TaskDefinition, match: string, opts: CronOptions = {}): void {
    const identifier = opts.identifier ?? def.name;
    if (this.items.some((i) => i.identifier === identifier)) throw new Error(`cron item ${identifier} added twice`);
    const item: CronItem = {
      task: def.name,
      match,
      identifier,
      options: {
        backfillPeriod: opts.backfillMs ?? 0,
        jobKey: `cron:${identifier}`,
        ...(def.maxAttempts ? { maxAttempts: def.maxAttempts } : {}),
        ...(opts.priority !== undefined ? { priority: opts.priority } : {}),
      },
    };
    parseCronItems([item]);
    this.items.push(item);
  }

  entries(): CronEntry[] {
    return this.items.map((i) => ({ identifier: i.identifier!, task: i.task, match: String(i.match) }));
  }

  parsed(): ParsedCronItem[] {
    return parseCronItems(this.items);
  }
}
