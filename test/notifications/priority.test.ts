import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { notify } from '../../src/modules/notifications/index.js';
import { JobPriority } from '../../src/platform/jobs/task.js';
import { eventually } from './fakes.js';
import { RecordingEmitter } from './recorder.js';

describe('notification priorities map to job priorities', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('notify_priority', { JOBS_CONCURRENCY: '1' });
  });
  after(async () => t.close());

  test('a CRITICAL notification overtakes 200 queued LOW ones', async () => {
    const sockets = new RecordingEmitter();
    t.platform.realtime.attach(sockets);
    const user = await t.signup('rider');
    const db = t.platform.database.db;
    await db.transaction().execute(async (tx) => {
      for (let i = 0; i < 200; i++)
        await notify(tx, t.platform.jobs, { userId: user.id, template: 'promo', data: { i }, priority: 'LOW' });
    });
    const critical = await db.transaction().execute((tx) =>
      notify(tx, t.platform.jobs, {
        userId: user.id,
        template: 'alert',
        data: {},
        priority: 'CRITICAL',
        channels: ['socket'],
      }),
    );
    const queued = await t.platform.database.pool.query(
      `SELECT j.priority, count(*)::int AS n FROM "${t.schema}_jobs"._private_jobs j JOIN "${t.schema}_jobs"._private_tasks k ON k.id = j.task_id
       WHERE k.identifier = 'notifications.deliver' GROUP BY j.priority ORDER BY j.priority`,
    );
    assert.deepEqual(queued.rows, [
      { priority: JobPriority.CRITICAL, n: 1 },
      { priority: JobPriority.LOW, n: 200 },
    ]);

    await t.platform.jobs.start();
    await eventually(() => sockets.find('notification', (p) => p.id === critical).length === 1);
    const order = sockets.find('notification').map((e) => e.payload.id);
    assert.equal(order[0], critical, `the CRITICAL one came first (then ${order.length - 1} LOW)`);
  });
});
