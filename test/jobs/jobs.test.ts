/** Jobs that keep failing end in dead_letters, where an admin can read and re-run them once. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { runMigrations } from 'graphile-worker';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { defineTask } from '../../src/platform/jobs/task.js';
import { eventually, query } from '../support/fixtures.js';

const alwaysFails = defineTask({ name: 'test.always_fails', schema: z.object({ n: z.number() }), maxAttempts: 1 });
const failsOnce = defineTask({ name: 'test.fails_once', schema: z.object({ n: z.number() }), maxAttempts: 2 });
const noop = defineTask({ name: 'test.noop', schema: z.object({ n: z.number() }), maxAttempts: 1 });
const fixable = defineTask({ name: 'test.fixable', schema: z.object({ n: z.number() }), maxAttempts: 1 });

describe('jobs and dead letters', () => {
  let t: TestApp;
  let admin: TestUser;
  const runs = new Map<string, number>();
  let fixed = false;
  const bump = (key: string) => runs.set(key, (runs.get(key) ?? 0) + 1);

  before(async () => {
    t = await startTestApp('jobs', { DB_POOL_MAX: '10' });
    t.platform.jobs.register(alwaysFails, async ({ n }) => {
      bump(`always:${n}`);
      throw new Error(`provider said no (${n})`);
    });
    t.platform.jobs.register(failsOnce, async ({ n }) => {
      bump(`once:${n}`);
      if (runs.get(`once:${n}`) === 1) throw new Error('transient');
    });
    t.platform.jobs.register(fixable, async ({ n }) => {
      bump(`fixable:${n}`);
      if (!fixed) throw new Error('still broken');
    });
    t.platform.jobs.register(noop, async ({ n }) => {
      bump(`noop:${n}`);
    });
    await t.platform.jobs.start();
    admin = await t.admin();
  });
  after(async () => t.close());

  const enqueue = (def: typeof alwaysFails, n: number) => t.platform.jobs.enqueue(t.platform.database.db, def, { n });
  const deadLetters = async () => {
    const res = await t.api('GET', '/api/v1/admin/dead-letters?limit=100', { token: admin.accessToken });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.data as Array<{
      id: number;
      task: string;
      payload: { n: number };
      attempts: number;
      lastError: string;
      failedAt: string;
    }>;
  };
  const letterFor = async (task: string, n: number) =>
    (await deadLetters()).find((d) => d.task === task && d.payload.n === n);
  const retry = (id: number) => t.api('POST', `/api/v1/admin/dead-letters/${id}/retry`, { token: admin.accessToken });

  test('a job that always fails lands in dead_letters after maxAttempts and is listed for admins', async () => {
    await enqueue(alwaysFails, 1);
    const letter = await eventually(() => letterFor('test.always_fails', 1));
    assert.equal(letter.attempts, 1);
    assert.match(letter.lastError, /provider said no \(1\)/);
    assert.ok(!Number.isNaN(Date.parse(letter.failedAt)));
    assert.equal(runs.get('always:1'), 1, 'maxAttempts 1 ⇒ exactly one run');
    const rider = await t.signup('rider');
    assert.equal((await t.api('GET', '/api/v1/admin/dead-letters', { token: rider.accessToken })).status, 403);
  });

  test('a job that fails once and then succeeds is retried and never dead-lettered', async () => {
    await enqueue(failsOnce, 7);
    await eventually(async () => runs.get('once:7') === 2, 15_000);
    assert.equal(await letterFor('test.fails_once', 7), undefined);
  });

  test(
    "retrying a dead letter runs the job again (with the task's own attempt budget); a second retry is " + '404',
    async () => {
      await enqueue(alwaysFails, 2);
      const letter = await eventually(() => letterFor('test.always_fails', 2));
      const res = await retry(letter.id);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.data, { id: letter.id, requeued: true });
      assert.equal(
        (await deadLetters()).some((d) => d.id === letter.id),
        false,
        'no longer listed as open',
      );
      // It fails again after ONE more attempt (maxAttempts 1), not after graphile-worker's default 25.
      const again = await eventually(
        async () =>
          (await deadLetters()).find((d) => d.task === 'test.always_fails' && d.payload.n === 2 && d.id !== letter.id),
        10_000,
      );
      assert.equal(again.attempts, 1);
      assert.equal(runs.get('always:2'), 2);

      const second = await retry(letter.id);
      assert.equal(second.status, 404);
      assert.equal(second.body.error.code, 'NOT_FOUND');
    },
  );

  test('two admins retrying the same dead letter at once: one 200, one 404, one job', async () => {
    await enqueue(fixable, 3);
    const letter = await eventually(() => letterFor('test.fixable', 3));
    fixed = true;
    const results = await Promise.all([retry(letter.id), retry(letter.id), retry(letter.id)]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 404, 404]);
    await eventually(async () => runs.get('fixable:3') === 2, 10_000);
    const open = await query<{ n: number }>(
      t,
      "SELECT count(*)::int AS n FROM $schema.dead_letters WHERE task = 'test.fixable' AND requeued_at IS NULL",
    );
    assert.equal(open[0]!.n, 0, 'fixed job succeeded: no new dead letter');
  });

  test('dead letters page with a cursor', async () => {
    const all = await deadLetters();
    assert.ok(all.length >= 2);
    const first = await t.api('GET', '/api/v1/admin/dead-letters?limit=1', { token: admin.accessToken });
    assert.equal(first.body.data.length, 1);
    assert.ok(first.body.meta.nextCursor);
    const next = await t.api('GET', `/api/v1/admin/dead-letters?limit=1&cursor=${first.body.meta.nextCursor}`, {
      token: admin.accessToken,
    });
    assert.notEqual(next.body.data[0].id, first.body.data[0].id);
    const last = await t.api('GET', `/api/v1/admin/dead-letters?limit=${all.length}`, { token: admin.accessToken });
    assert.equal(last.body.meta.nextCursor, null);
  });

  test('another schema being migrated in the same database does not stop this worker', async () => {
    // graphile-worker announces breaking migrations on a database-wide channel.
    const neighbour = `t_jobs_neighbour_${randomBytes(3).toString('hex')}`;
    await runMigrations({ pgPool: t.platform.database.pool, schema: neighbour });
    await query(t, `DROP SCHEMA "${neighbour}" CASCADE`);
    await new Promise((r) => setTimeout(r, 500));
    await enqueue(noop, 11);
    await eventually(async () => runs.get('noop:11') === 1, 10_000);
    // Suites running beside this one migrate their own worker schemas too, and each of their notices
    // stops and restarts this worker once more: so the exit code is checked once the worker is back.
    await eventually(async () => t.platform.jobs.running && process.exitCode !== 57, 10_000);
  });
});
