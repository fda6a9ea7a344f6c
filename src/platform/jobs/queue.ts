import { EventEmitter } from 'node:events';
import { run, runMigrations, type Job, type Runner, type TaskList, type WorkerEvents } from 'graphile-worker';
import type pg from 'pg';
import type { Db, DbHandle } from '../db/database.js';
import type { Logger } from '../observability/logger.js';
import type { EventBus } from '../events/bus.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { insertDeadLetter, insertJob, insertJobs, markRequeued, workerSchemaRevision } from './jobs.repo.js';
import { HeldJobs } from './held-jobs.js';
import type { z } from 'zod';
import type { EnqueueOptions, TaskDefinition, TaskHandler } from './task.js';
import { notFound } from '../errors.js';
import { tracedTask, withTraceCarrier } from './job-trace.js';
import { collectJobGauges, jobSeconds, jobsDeadLettered } from './jobs.metrics.js';
import { Crontab, type CronOptions } from './crontab.js';
import { LocalTicks } from './local-ticks.js';
import { HEARTBEAT_MS, WorkerLiveness } from './worker-liveness.js';
import { batchingPreset, settle, workerLogger } from './runner-options.js';

const DEFAULT_MAX_ATTEMPTS = 10; // graphile-worker backs off exponentially between attempts
/** graphile-worker sets this process exit code when it stops for a breaking migration. */
const MIGRATION_EXIT_CODE = 57;
const RESTART_DELAY_MS = 1_000;

/**
 * What a module's job handlers need from the platform: the database, the
 * queue (to register handlers and enqueue follow-ups) and the bus that
 * publishes a unit of work's events after commit.
 */
export interface TaskDeps {
  db: Db;
  jobs: JobQueue;
  bus: EventBus;
}

/**
 * The job queue: enqueue inside the caller's transaction (the outbox), run
 * tasks in this process when started, and park jobs that exhaust their
 * attempts in `dead_letters` for an admin to re-run.
 */
export class JobQueue {
  private readonly tasks = new Map<string, { def: TaskDefinition; handler: TaskHandler }>();
  /** Recurring jobs (retention, reconciliation, backups), run by graphile-worker's cron in worker processes. */
  readonly crontab = new Crontab();
  /** Work each worker node repeats on its own clock while its runner runs (no job row a dead worker could hold). */
  readonly ticks: LocalTicks;
  private runner: Runner | undefined;
  private stopping = false;
  /** Our worker schema's migration revision once prepared. */
  private revision = 0;
  /** process.exitCode before the runner started (graphile-worker may set it to 57, see recover). */
  private exitCodeBefore: typeof process.exitCode;

  /** Jobs enqueued in an open `withTransaction`, sent together just before it commits. */
  private readonly held: HeldJobs;
  /** This node's pool heartbeat, and the release of jobs that killed workers left locked. */
  private readonly liveness: WorkerLiveness;

  constructor(
    private readonly opts: { pool: pg.Pool; db: Db; workerSchema: string; log: Logger; concurrency: number },
  ) {
    this.held = new HeldJobs(opts.workerSchema);
    this.ticks = new LocalTicks(opts.log);
    this.liveness = new WorkerLiveness(opts.db, opts.workerSchema, opts.log);
    this.ticks.add('jobs.heartbeat', HEARTBEAT_MS, () => this.liveness.beat());
    this.ticks.add('jobs.release_dead', HEARTBEAT_MS, () => this.liveness.releaseDead());
  }

  register<S extends z.ZodType>(def: TaskDefinition<S>, handler: TaskHandler<S>) {
    this.tasks.set(def.name, { def, handler: handler as TaskHandler });
  }

  /** Runs `def` on a cron pattern (UTC), from the next start of the worker on. */
  schedule(def: TaskDefinition, match: string, opts?: CronOptions) {
    this.crontab.add(def, match, opts);
  }

  /** Creates graphile-worker's schema (idempotent, locked by graphile-worker itself). */
  async prepare() {
    await runMigrations({
      pgPool: this.opts.pool,
      schema: this.opts.workerSchema,
      logger: workerLogger(this.opts.log),
    });
    this.revision = await workerSchemaRevision(this.opts.db, this.opts.workerSchema);
  }

  async enqueue<S extends z.ZodType>(
    db: DbHandle,
    def: TaskDefinition<S>,
    payload: z.infer<S>,
    options: EnqueueOptions = {},
  ) {
    def.schema.parse(payload);
    const job = {
      task: def.name,
      payload: withTraceCarrier(payload),
      maxAttempts: def.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      ...options,
    };
    if (!this.held.hold(db, job)) await insertJob(db, this.opts.workerSchema, job);
  }

  /** Several jobs in one statement (one round trip), in the caller's transaction like `enqueue`. */
  async enqueueMany(db: DbHandle, jobs: Array<{ def: TaskDefinition; payload: unknown; options?: EnqueueOptions }>) {
    const rows = jobs.map(({ def, payload, options }) => {
      def.schema.parse(payload);
      return {
        task: def.name,
        payload: withTraceCarrier(payload),
        maxAttempts: def.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        ...options,
      };
    });
    if (rows.length > 0 && !rows.every((row) => this.held.hold(db, row)))
      await insertJobs(db, this.opts.workerSchema, rows);
  }

  async start() {
    this.stopping = false;
    await this.launch();
    if (!this.stopping) this.ticks.start();
  }

  private async launch() {
    if (process.exitCode !== MIGRATION_EXIT_CODE) this.exitCodeBefore = process.exitCode;
    const events: WorkerEvents = new EventEmitter();
    events.on('pool:create', ({ workerPool }) => this.liveness.poolStarted(workerPool.id));
    const runner = await run({
      events,
      pgPool: this.opts.pool,
      schema: this.opts.workerSchema,
      concurrency: this.opts.concurrency,
      noHandleSignals: true,
      pollInterval: 1000,
      preset: batchingPreset(this.opts.concurrency),
      logger: workerLogger(this.opts.log),
      taskList: this.buildTaskList(),
      parsedCronItems: this.crontab.parsed(),
    });
    if (this.stopping) return settle(runner);
    this.runner = runner;
    const onExit = () => void this.recover(runner);
    runner.promise.then(onExit, onExit);
  }

  /** Puts back the exit code graphile-worker set for a migration notice that was not about our schema. */
  private async undoForeignExitCode() {
    if (process.exitCode !== MIGRATION_EXIT_CODE || this.exitCodeBefore === MIGRATION_EXIT_CODE) return true;
    const revision = await workerSchemaRevision(this.opts.db, this.opts.workerSchema);
    if (revision !== this.revision) return false;
    process.exitCode = this.exitCodeBefore;
    return true;
  }

  /**
   * graphile-worker's "breaking migration" notice is database-wide (LISTEN
   * "worker:migrate"), not per schema: migrating a fresh worker schema
   * anywhere in the database (another test suite, a staging copy beside
   * prod) stops every runner in it and sets exit code 57. When our own
   * schema did not move on, the notice was not for us: undo the exit code
   * and start again. A real upgrade of our schema leaves the worker stopped.
   */
  private async recover(runner: Runner) {
    if (this.stopping || this.runner !== runner) return;
    this.runner = undefined;
    while (!this.stopping) {
      try {
        const ours = await this.undoForeignExitCode();
        const revision = await workerSchemaRevision(this.opts.db, this.opts.workerSchema);
        if (!ours || revision !== this.revision) {
          this.opts.log.error(
            { revision, ours: this.revision },
            'job worker stopped: its schema was migrated by a newer version',
          );
          this.ticks.stop();
          return;
        }
        this.opts.log.warn('job worker stopped by a migration notice for another schema; restarting');
        return await this.launch();
      } catch (err) {
        this.opts.log.warn(
          { err: err instanceof Error ? err.message : String(err) },
          'job worker restart failed; retrying',
        );
        await sleep(RESTART_DELAY_MS);
      }
    }
  }

  async stop() {
    this.stopping = true;
    this.ticks.stop();
    const runner = this.runner;
    this.runner = undefined;
    if (runner) await settle(runner);
    await this.liveness.stopped();
    // A foreign notice may have landed while we were stopping; the pool is still open here.
    await this.undoForeignExitCode().catch(() => {});
  }

  get running() {
    return this.runner !== undefined;
  }

  /** Re-enqueues a dead letter once; a second call for the same id is 404. */
  async requeueDeadLetter(db: Db, id: number, adminId: string) {
    return db.transaction().execute(async (tx) => {
      const row = await markRequeued(tx, id, adminId);
      if (!row) throw notFound('Dead letter');
      // The task's own attempt budget, as on first enqueue (add_job's default would be 25).
      const maxAttempts = this.tasks.get(row.task)?.def.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
      await insertJob(tx, this.opts.workerSchema, {
        task: row.task,
        payload: row.payload,
        jobKey: row.job_key ?? undefined,
        maxAttempts,
      });
      return row;
    });
  }

  /** Sets the queue-depth and dead-letter gauges (called on a metrics scrape); throws when the database does. */
  async refreshGauges(): Promise<void> {
    await collectJobGauges(this.opts.db, this.opts.workerSchema, [...this.tasks.keys()]);
  }

  private buildTaskList(): TaskList {
    const list: TaskList = {};
    for (const { def, handler } of this.tasks.values()) {
      list[def.name] = tracedTask(def.name, async (rawPayload, helpers) => {
        const started = performance.now();
        let outcome: 'ok' | 'retry' | 'dead_lettered' = 'retry';
        try {
          outcome = await this.attempt(def, handler, rawPayload, helpers.job);
        } finally {
          jobSeconds.observe({ task: def.name, outcome }, (performance.now() - started) / 1000);
        }
      });
    }
    return list;
  }

  /** One attempt: 'ok', or 'dead_lettered' once out of attempts; any earlier failure is thrown for a retry. */
  private async attempt(
    def: TaskDefinition,
    handler: TaskHandler,
    rawPayload: unknown,
    job: Job,
  ): Promise<'ok' | 'dead_lettered'> {
    const log = this.opts.log.child({ task: def.name, jobId: job.id, attempt: job.attempts });
    try {
      const payload = def.schema.parse(rawPayload);
      await handler(payload, { log, attempt: job.attempts, maxAttempts: job.max_attempts, jobKey: job.key });
      return 'ok';
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (job.attempts >= job.max_attempts) {
        await insertDeadLetter(this.opts.db, {
          task: def.name,
          payload: rawPayload,
          jobKey: job.key,
          attempts: job.attempts,
          lastError: message,
        });
        jobsDeadLettered.inc({ task: def.name });
        log.error({ err: message }, 'job exhausted its attempts: dead-lettered');
        return 'dead_lettered'; // parked in dead_letters; do not let graphile-worker keep the failed row
      }
      log.warn({ err: message }, 'job failed; will retry');
      throw err;
    }
  }
}
