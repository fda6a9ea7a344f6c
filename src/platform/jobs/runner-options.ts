/** How this app drives graphile-worker's runner: batching, the per-schema queue, its log lines, a full stop. */
import { Logger as WorkerLogger, type Runner } from 'graphile-worker';
import type { Logger } from '../observability/logger.js';

/**
 * graphile-worker batching (docs: performance#batching). A local queue a few
 * jobs deep lets each worker pick its next job without a round trip, and
 * completions made in the same tick commit together. The costs, accepted:
 * a CRITICAL job enqueued behind a full local queue waits for those few jobs
 * (milliseconds), and a crash between a task's end and its batched
 * completion runs that job again (tasks are idempotent: they check their row).
 * Failures go through the batcher too: unbatched, graphile-worker writes a
 * failure without awaiting it, so a runner stopping beside a failing task
 * returned before the failure was written, the pool closed under it, and the
 * rejection was unhandled (the process died with exit code 1). The runner's
 * stop awaits the batcher, which reports its own errors.
 */
export function batchingPreset(concurrency: number) {
  return { worker: { localQueue: { size: concurrency + 1 }, completeJobBatchDelay: 0, failJobBatchDelay: 0 } };
}

/**
 * The graphile-worker schema that belongs to an app schema: the default one
 * for `public`, `<schema>_jobs` otherwise, so every suite, bench or sim run on
 * a scratch schema has its own queue.
 */
export function jobsSchemaFor(appSchema: string): string {
  return appSchema === 'public' ? 'graphile_worker' : `${appSchema}_jobs`;
}

export function workerLogger(log: Logger): WorkerLogger {
  return new WorkerLogger(() => (level, message, meta) => {
    const lvl = level === 'error' ? 'error' : level === 'warning' ? 'warn' : 'debug';
    log[lvl]({ worker: meta }, message);
  });
}

/**
 * Stops a runner and waits until its jobs have finished and their outcomes
 * are written, so the pool can close after it. `stop()` alone is not that:
 * a runner that a migration notice is already shutting down (see recover)
 * answers `stop()` at once while its jobs still run, and only its
 * `promise` settles once they are done.
 */
export async function settle(runner: Runner): Promise<void> {
  await runner.stop().catch((err: unknown) => {
    // It may have stopped by itself a moment ago (see recover).
    if (!(err instanceof Error && /already stopped/i.test(err.message))) throw err;
  });
  await runner.promise.catch(() => {}); // its errors were logged by graphile-worker
}
