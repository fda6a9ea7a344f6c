/**
 * A worker process killed with -9 never unlocks the jobs it was running or
 * had fetched ahead; graphile-worker frees them after 4 hours. Every worker
 * node writes its pool's heartbeat, and the jobs of a pool whose heartbeat
 * lapsed are released and run elsewhere (src/platform/jobs/worker-liveness.ts).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { defineTask } from '../../src/platform/jobs/task.js';
import { jobsSchemaFor } from '../../src/platform/jobs/runner-options.js';
import { eventually, query } from '../support/fixtures.js';

const recordRun = defineTask({ name: 'test.liveness_record', schema: z.object({ n: z.number() }) });

describe('job worker liveness', () => {
  let t: TestApp;
  let jobs: string;
  const ran: number[] = [];

  before(async () => {
    t = await startTestApp('worker_liveness', { DB_POOL_MAX: '10' });
    jobs = `"${jobsSchemaFor(t.schema)}"._private_jobs`;
    t.platform.jobs.register(recordRun, async ({ n }) => {
      ran.push(n);
    });
  });
  after(async () => t.close());

  /** A job locked by `pool`, as a worker that fetched it and then died (or still lives) leaves it. */
  async function lockedJob(n: number, pool: string) {
    await t.platform.jobs.enqueue(t.platform.database.db, recordRun, { n }, { jobKey: `liveness-${n}` });
    await query(t, `UPDATE ${jobs} SET locked_at = now(), locked_by = $1 WHERE key = $2`, [pool, `liveness-${n}`]);
  }
  const heartbeat = (pool: string, ageS: number) =>
    query(
      t,
      `INSERT INTO $schema.job_worker_heartbeats (worker_id, seen_at) VALUES ($1, now() - make_interval(secs => $2))`,
      [pool, ageS],
    );
  const lockedBy = async (n: number) =>
    (await query<{ locked_by: string | null }>(t, `SELECT locked_by FROM ${jobs} WHERE key = $1`, [`liveness-${n}`]))[0]
      ?.locked_by;

  test('a job locked by a pool unseen for 2 minutes runs on the live node; a live pool keeps its jobs', async () => {
    await lockedJob(1, 'pool-killed');
    await heartbeat('pool-killed', 120);
    await lockedJob(2, 'pool-alive');
    await heartbeat('pool-alive', 1);
    await lockedJob(3, 'pool-of-an-older-version'); // no heartbeat at all: not ours to judge, left to graphile-worker

    await t.platform.jobs.start();
    await eventually(async () => ran.includes(1), 20_000);
    assert.deepEqual(ran, [1], 'only the dead pool’s job ran');
    assert.equal(await lockedBy(2), 'pool-alive');
    assert.equal(await lockedBy(3), 'pool-of-an-older-version');
    const heartbeats = () =>
      query<{ worker_id: string; age_s: number }>(
        t,
        'SELECT worker_id, extract(epoch FROM now() - seen_at)::float AS age_s FROM $schema.job_worker_heartbeats',
      );
    assert.ok(!(await heartbeats()).some((r) => r.worker_id === 'pool-killed'), 'the dead pool is forgotten');
    // This node's own pool writes its heartbeat too (within a heartbeat period of starting).
    const own = await eventually(async () => {
      const rows = (await heartbeats()).filter((r) => r.worker_id !== 'pool-alive');
      return rows.length === 1 && rows[0]!.age_s < 10 ? rows : undefined;
    }, 10_000);
    assert.notEqual(own[0]!.worker_id, 'pool-killed');
  });

  test('a worker that stops gracefully removes its heartbeat (it unlocked its jobs itself)', async () => {
    await t.platform.jobs.stop();
    const rows = await query<{ worker_id: string }>(t, 'SELECT worker_id FROM $schema.job_worker_heartbeats');
    assert.deepEqual(
      rows.map((r) => r.worker_id),
      ['pool-alive'],
    );
  });
});
