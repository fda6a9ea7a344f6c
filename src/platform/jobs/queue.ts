import { run, runMigrations, Logger as WorkerLogger, type Runner, type TaskList } from 'graphile-worker';
import type pg from 'pg';
import type { Db, DbHandle } from '../db/database.js';
import type { Logger } from '../observability/logger.js';
import { insertDeadLetter, insertJob, markRequeued } from './jobs.repo.js';
import type { z } from 'zod';
import type { EnqueueOptions, TaskDefinition, TaskHandler } from './task.js';
import { notFound } from '../errors.js';

const DEFAULT_MAX_ATTEMPTS = 10; // graphile-worker backs off exponentially between attempts

function workerLogger(log: Logger): WorkerLogger {
  return new WorkerLogger(() => (level, message, meta) => {
    const lvl = level === 'error' ? 'error' : level === 'warning' ? 'warn' : 'debug';
    log[lvl]({ worker: meta }, message);
  });
}

/**
 * The job queue: enqueue inside the caller's transaction (the outbox), run
 * tasks in this process when started, and park jobs that exhaust their
 * attempts in `dead_letters` for an admin to re-run.
 */
export class JobQueue {
  private readonly tasks = new Map<string, { def: TaskDefinition; handler: TaskHandler }>();
  private runner: Runner | undefined;

  constructor(private readonly opts: { pool: pg.Pool; db: Db; workerSchema: string; log: Logger; concurrency: number }) {}

  register<S extends z.ZodType>(def: TaskDefinition<S>, handler: TaskHandler<S>) {
    this.tasks.set(def.name, { def, handler: handler as TaskHandler });
  }

  /** Creates graphile-worker's schema (idempotent, locked by graphile-worker itself). */
  async prepare() {
    await runMigrations({ pgPool: this.opts.pool, schema: this.opts.workerSchema, logger: workerLogger(this.opts.log) });
  }

  async enqueue<S extends z.ZodType>(db: DbHandle, def: TaskDefinition<S>, payload: z.infer<S>, options: EnqueueOptions = {}) {
    def.schema.parse(payload);
    await insertJob(db, this.opts.workerSchema, { task: def.name, payload, maxAttempts: def.maxAttempts ?? DEFAULT_MAX_ATTEMPTS, ...options });
  }

  async start() {
    this.runner = await run({
      pgPool: this.opts.pool,
      schema: this.opts.workerSchema,
      concurrency: this.opts.concurrency,
      noHandleSignals: true,
      pollInterval: 1000,
      logger: workerLogger(this.opts.log),
      taskList: this.buildTaskList(),
    });
  }

  async stop() {
    const runner = this.runner;
    this.runner = undefined;
    await runner?.stop();
  }

  get running() {
    return this.runner !== undefined;
  }

  /** Re-enqueues a dead letter once; a second call for the same id is 404. */
  async requeueDeadLetter(db: Db, id: number, adminId: string) {
    return db.transaction().execute(async (tx) => {
      const row = await markRequeued(tx, id, adminId);
      if (!row) throw notFound('Dead letter');
      await insertJob(tx, this.opts.workerSchema, { task: row.task, payload: row.payload, jobKey: row.job_key ?? undefined });
      return row;
    });
  }

  private buildTaskList(): TaskList {
    const list: TaskList = {};
    for (const { def, handler } of this.tasks.values()) {
      list[def.name] = async (rawPayload, helpers) => {
        const { job } = helpers;
        const log = this.opts.log.child({ task: def.name, jobId: job.id, attempt: job.attempts });
        try {
          const payload = def.schema.parse(rawPayload);
          await handler(payload, { log, attempt: job.attempts, maxAttempts: job.max_attempts, jobKey: job.key });
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          if (job.attempts >= job.max_attempts) {
            await insertDeadLetter(this.opts.db, { task: def.name, payload: rawPayload, jobKey: job.key, attempts: job.attempts, lastError: message });
            log.error({ err: message }, 'job exhausted its attempts: dead-lettered');
            return; // parked in dead_letters; do not let graphile-worker keep the failed row
          }
          log.warn({ err: message }, 'job failed; will retry');
          throw err;
        }
      };
    }
    return list;
  }
}
