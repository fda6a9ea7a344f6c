/**
 * Stopping the job worker (SIGTERM, a test's close) returns only once the
 * jobs it was running have finished and their outcome is written: the pool
 * closes right after, and an outcome written later failed on a closed pool
 * (an unhandled rejection: smartline exited 1 on SIGTERM).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { runMigrations } from 'graphile-worker';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { defineTask } from '../../src/platform/jobs/task.js';
import { jobsSchemaFor } from '../../src/platform/jobs/runner-options.js';
import { eventually, query } from '../support/fixtures.js';

const gated = defineTask({
  name: 'test.gated',
  schema: z.object({ n: z.number(), fail: z.boolean() }),
  maxAttempts: 3,
});

/** How long stop() is watched for returning too early. */
const PENDING_MS = 500;

describe('stopping the job worker', () => {
  let t: TestApp;
  const started = new Set<number>();
  const gates = new Map<number, () => void>();
  const gate = (n: number) => new Promise<void>((resolve) => gates.set(n, resolve));
  let jobs: string;

  before(async () => {
    t = await startTestApp('worker_stop', { DB_POOL_MAX: '10' });
    jobs = `"${jobsSchemaFor(t.schema)}"._private_jobs`;
    t.platform.jobs.register(gated, async ({ n, fail }) => {
      const opened = gate(n);
      started.add(n);
      await opened;
      if (fail) throw new Error('interrupted by the stop');
    });
  });
  after(async () => t.close());

  const runGated = async (n: number, fail: boolean) => {
    await t.platform.jobs.enqueue(t.platform.database.db, gated, { n, fail });
    await eventually(async () => started.has(n), 10_000);
  };
  const watch = (stop: Promise<void>) => {
    const state = { returned: false };
    void stop.then(() => (state.returned = true));
    return state;
  };

  test('a worker a migration notice is already stopping: stop() still waits for its running job', async () => {
    await t.platform.jobs.start();
    await runGated(1, false);
    // graphile-worker's breaking-migration notice is database-wide: it starts this runner's shutdown.
    const neighbour = `t_stop_neighbour_${randomBytes(3).toString('hex')}`;
    await runMigrations({ pgPool: t.platform.database.pool, schema: neighbour });
    await eventually(async () => process.exitCode === 57, 10_000);
    const stopping = t.platform.jobs.stop();
    const state = watch(stopping);
    await sleep(PENDING_MS);
    assert.equal(state.returned, false, 'stop() waits for the running job');
    gates.get(1)!();
    await stopping;
    const left = await query(t, `SELECT id FROM ${jobs} WHERE payload->>'n' = '1'`);
    assert.deepEqual(left, [], 'the job finished and was removed before stop() returned');
    assert.notEqual(process.exitCode, 57, 'a notice for another schema leaves no exit code');
    await query(t, `DROP SCHEMA "${neighbour}" CASCADE`);
  });

  test('a job failing while the worker stops has its failure written before stop() returns', async () => {
    await t.platform.jobs.start();
    await runGated(2, true);
    // Hold the job's row: writing its failure waits for this transaction.
    const holder = await t.platform.database.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT id FROM ${jobs} WHERE payload->>'n' = '2' FOR UPDATE`);
      const stopping = t.platform.jobs.stop();
      const state = watch(stopping);
      gates.get(2)!();
      await sleep(PENDING_MS);
      assert.equal(state.returned, false, 'stop() waits for the failure to be written');
      await holder.query('COMMIT');
      await stopping;
    } finally {
      holder.release();
    }
    const [job] = await query<{ last_error: string; locked_by: string | null }>(
      t,
      `SELECT last_error, locked_by FROM ${jobs} WHERE payload->>'n' = '2'`,
    );
    assert.deepEqual(job, { last_error: 'interrupted by the stop', locked_by: null }, 'recorded and unlocked');
  });
});
