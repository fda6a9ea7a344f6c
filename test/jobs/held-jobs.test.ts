/**
 * Jobs enqueued inside `withTransaction` reach Postgres in one add_jobs just before COMMIT (held jobs): they still
 * commit with the change or not at all, and a job key enqueued twice in one transaction keeps the later job.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { defineTask } from '../../src/platform/jobs/task.js';
import { withTransaction } from '../../src/platform/db/transaction.js';
import { jobsSchemaFor } from '../../src/platform/jobs/runner-options.js';
import { eventually } from '../support/fixtures.js';

const recordRun = defineTask({ name: 'test.held_record', schema: z.object({ n: z.number(), label: z.string() }) });

describe('held jobs', () => {
  let t: TestApp;
  const ran: Array<{ n: number; label: string }> = [];

  before(async () => {
    t = await startTestApp('held_jobs', { DB_POOL_MAX: '10' });
    t.platform.jobs.register(recordRun, async (payload) => {
      ran.push(payload);
    });
    await t.platform.jobs.start();
  });
  after(async () => t.close());

  const queued = async (n: number) => {
    const schema = jobsSchemaFor(t.schema);
    const { rows } = await sql<{ count: number }>`SELECT count(*)::int AS count
      FROM ${sql.id(schema, '_private_jobs')} j JOIN ${sql.id(schema, '_private_tasks')} k ON k.id = j.task_id
      WHERE k.identifier = ${recordRun.name} AND (j.payload->>'n')::int = ${n}`.execute(t.platform.database.db);
    return rows[0]!.count;
  };

  test('every job of a committed transaction runs, once; a key enqueued twice runs with the later payload', async () => {
    const { db } = t.platform.database;
    await withTransaction(db, async (tx) => {
      await t.platform.jobs.enqueue(tx, recordRun, { n: 1, label: 'a' });
      await t.platform.jobs.enqueue(tx, recordRun, { n: 1, label: 'b' });
      await t.platform.jobs.enqueue(tx, recordRun, { n: 1, label: 'first' }, { jobKey: 'held-1' });
      await t.platform.jobs.enqueue(tx, recordRun, { n: 1, label: 'second' }, { jobKey: 'held-1' });
      // Held, not yet sent: another connection sees nothing before the commit.
      assert.equal(await queued(1), 0);
    });
    await eventually(async () => ran.filter((r) => r.n === 1).length >= 3, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // a duplicate would run within the poll interval
    assert.deepEqual(
      ran
        .filter((r) => r.n === 1)
        .map((r) => r.label)
        .sort(),
      ['a', 'b', 'second'],
    );
  });

  test('a rolled-back transaction queues none of its jobs', async () => {
    const { db } = t.platform.database;
    await assert.rejects(
      withTransaction(db, async (tx) => {
        await t.platform.jobs.enqueue(tx, recordRun, { n: 2, label: 'never' });
        await t.platform.jobs.enqueueMany(tx, [{ def: recordRun, payload: { n: 2, label: 'never either' } }]);
        throw new Error('the change failed');
      }),
      /the change failed/,
    );
    assert.equal(await queued(2), 0);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.equal(ran.filter((r) => r.n === 2).length, 0);
  });
});
