import type { DbHandle } from '../db/database.js';
import { deferToCommit } from '../db/transaction.js';
import { insertJobs, type JobRow } from './jobs.repo.js';

/**
 * The jobs a transaction enqueues, held until its last step and then sent in one `add_jobs` statement. A trip
 * request enqueues three (search timeout, first round, webhook fan-out): three round trips become one. They still
 * commit with the change or not at all; only when they reach Postgres moves, inside the same transaction.
 * graphile-worker's `add_job` is `add_jobs` of one spec, so a held job behaves as one added at once — except that
 * two specs with one job key in a single statement would conflict with each other, so the later one wins here, as
 * it would have replaced the earlier one.
 */
export class HeldJobs {
  private readonly pending = new WeakMap<DbHandle, JobRow[]>();

  constructor(private readonly workerSchema: string) {}

  /** Holds `job` when `db` is a transaction opened by `withTransaction`; false means "send it yourself now". */
  hold(db: DbHandle, job: JobRow): boolean {
    const held = this.pending.get(db);
    if (held) {
      held.push(job);
      return true;
    }
    const jobs = [job];
    if (!deferToCommit(db, `jobs:${this.workerSchema}`, () => this.flush(db))) return false;
    this.pending.set(db, jobs);
    return true;
  }

  private async flush(db: DbHandle): Promise<void> {
    const jobs = this.pending.get(db) ?? [];
    this.pending.delete(db);
    if (jobs.length > 0) await insertJobs(db, this.workerSchema, lastPerKey(jobs));
  }
}

function lastPerKey(jobs: JobRow[]): JobRow[] {
  const lastIndexOfKey = new Map<string, number>();
  jobs.forEach((job, i) => job.jobKey && lastIndexOfKey.set(job.jobKey, i));
  return jobs.filter((job, i) => !job.jobKey || lastIndexOfKey.get(job.jobKey) === i);
}
