import type pg from 'pg';
import { run, runMigrations, Logger as WorkerLogger, type Runner } from 'graphile-worker';
import { batchingPreset } from '../../src/platform/jobs/runner-options.js';

const silentWorkerLogger = new WorkerLogger(() => () => {});

export interface Throughput {
  jobsPerSec: number;
  /** This process's CPU (user + system) per job: the app's own cost, apart from Postgres. */
  cpuMsPerJob: number;
}

export function measured(jobs: number, started: number, cpu: NodeJS.CpuUsage): Throughput {
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { jobsPerSec: jobs / seconds, cpuMsPerJob: (used.user + used.system) / 1000 / jobs };
}

/**
 * The baseline of job benches: raw graphile-worker running `jobs` no-op jobs
 * in its own `schema` on the same pool, with the same concurrency and
 * batching as the app, timed from start to the last job:success.
 */
export async function rawNoopJobsPerSecond(
  pgPool: pg.Pool,
  schema: string,
  opts: { jobs: number; concurrency: number },
): Promise<Throughput> {
  await runMigrations({ pgPool, schema, logger: silentWorkerLogger });
  for (let from = 0; from < opts.jobs; from += 1_000) {
    await pgPool.query(
      `SELECT "${schema}".add_jobs(array(SELECT ('noop', '{}'::json, null, null, null, null, null, ` +
        `null)::"${schema}".job_spec FROM generate_series(1, $1)))`,
      [Math.min(1_000, opts.jobs - from)],
    );
  }
  let done = 0;
  let finished!: () => void;
  const all = new Promise<void>((r) => (finished = r));
  const started = performance.now();
  const cpu = process.cpuUsage();
  const runner: Runner = await run({
    pgPool,
    schema,
    concurrency: opts.concurrency,
    noHandleSignals: true,
    pollInterval: 1000,
    preset: batchingPreset(opts.concurrency),
    logger: silentWorkerLogger,
    taskList: { noop: async () => {} },
  });
  runner.events.on('job:success', () => {
    if (++done === opts.jobs) finished();
  });
  await all;
  const result = measured(opts.jobs, started, cpu);
  await runner.stop();
  return result;
}
