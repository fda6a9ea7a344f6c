import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { createDatabase, type Database } from '../../src/platform/db/database.js';
import { appendEvent } from '../../src/platform/events/events.repo.js';
import {
  archiveOldEvents,
  purgeIdempotencyKeys,
  purgeLocationHistory,
  purgeReadNotifications,
  RETENTION_JOBS,
  retentionCron,
} from '../../src/modules/lifecycle/index.js';

const DAY_MS = 24 * 3600_000;
const ymd = (d: Date) => d.toISOString().slice(0, 10).replaceAll('-', '');

describe('data lifecycle: retention and archival', () => {
  let t: TestApp;
  let scratch: Database;
  let scratchSchema: string;
  before(async () => {
    t = await startTestApp('retention', { DB_POOL_MAX: '8' }); // the test server is shared: stay small
    // location_history comes from another module's migration; a private schema lets this suite own the table's shape.
    scratchSchema = `lh_${randomBytes(4).toString('hex')}`;
    await t.platform.database.pool.query(`CREATE SCHEMA "${scratchSchema}"`);
    scratch = createDatabase({ url: process.env.DATABASE_URL!, schema: scratchSchema, max: 2 });
  });
  after(async () => {
    await t.platform.database.pool.query(`DROP SCHEMA IF EXISTS "${scratchSchema}" CASCADE`);
    await scratch.close();
    await t.close();
  });

  const sqlq = (text: string, params: unknown[] = []) => t.platform.database.pool.query(text, params);

  test('location history: skipped while the table does not exist', async () => {
    const res = await purgeLocationHistory(scratch.db, 90);
    assert.equal(res.removed, 0);
    assert.match(res.skipped ?? '', /does not exist/);
  });

  test('location history: drops daily partitions older than the period, keeps the rest', async () => {
    const s = `"${scratchSchema}"`;
    await sqlq(
      `CREATE TABLE ${s}.location_history (driver_id uuid NOT NULL, recorded_at timestamptz NOT NULL, lat float8, ` +
        `lng float8) PARTITION BY RANGE (recorded_at)`,
    );
    const now = new Date();
    const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const days = [120, 91, 89, 1, 0].map((n) => new Date(today.getTime() - n * DAY_MS));
    for (const d of days) {
      await sqlq(
        `CREATE TABLE ${s}.location_history_${ymd(d)} PARTITION OF ${s}.location_history FOR VALUES FROM ` +
          `('${d.toISOString()}') TO ('${new Date(d.getTime() + DAY_MS).toISOString()}')`,
      );
      await sqlq(`INSERT INTO ${s}.location_history VALUES ($1, $2, 30.0, 31.2)`, [
        randomUUID(),
        new Date(d.getTime() + 3600_000),
      ]);
    }
    await sqlq(`CREATE TABLE ${s}.location_history_default PARTITION OF ${s}.location_history DEFAULT`);
    const res = await purgeLocationHistory(scratch.db, 90, now);
    assert.deepEqual(
      res.dropped,
      [ymd(days[0]!), ymd(days[1]!)].map((x) => `location_history_${x}`),
    );
    const left = await sqlq(
      `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = ` +
        `'${scratchSchema}.location_history'::regclass ORDER BY 1`,
    );
    assert.deepEqual(
      left.rows.map((r) => r.relname),
      [...days.slice(2).map((d) => `location_history_${ymd(d)}`), 'location_history_default'].sort(),
    );
    const rows = await sqlq(`SELECT count(*)::int AS n FROM ${s}.location_history`);
    assert.equal(rows.rows[0].n, 3);
    assert.equal((await purgeLocationHistory(scratch.db, 90, now)).removed, 0, 'a second run has nothing to do');
  });

  test('idempotency keys: older than the period go, fresh ones stay', async () => {
    const insert = (key: string, ageH: number) =>
      sqlq(
        `INSERT INTO "${t.schema}".idempotency_keys (scope, key, request_hash, state, created_at) VALUES ('test', ` +
          `$1, 'h', 'done', now() - make_interval(hours => $2))`,
        [key, ageH],
      );
    await insert('old', 25);
    await insert('fresh', 1);
    const res = await purgeIdempotencyKeys(t.platform.database.db, 24);
    assert.equal(res.removed, 1);
    const left = await sqlq(`SELECT key FROM "${t.schema}".idempotency_keys WHERE scope = 'test'`);
    assert.deepEqual(
      left.rows.map((r) => r.key),
      ['fresh'],
    );
  });

  test('notifications: only read ones older than the period are deleted', async () => {
    const user = await t.signup('rider');
    const insert = (template: string, ageDays: number, read: boolean) =>
      sqlq(
        `INSERT INTO "${t.schema}".notifications (user_id, template, priority, created_at, read_at) VALUES ($1, $2, 'LOW', now() - make_interval(days => $3), ${read ? 'now()' : 'NULL'})`,
        [user.id, template, ageDays],
      );
    await insert('old_read', 181, true);
    await insert('old_unread', 181, false);
    await insert('new_read', 10, true);
    const res = await purgeReadNotifications(t.platform.database.db, 180);
    assert.equal(res.removed, 1);
    const left = await sqlq(`SELECT template FROM "${t.schema}".notifications WHERE user_id = $1 ORDER BY template`, [
      user.id,
    ]);
    assert.deepEqual(
      left.rows.map((r) => r.template),
      ['new_read', 'old_unread'],
    );
  });

  test('events: old ones move to events_archive in one go, admins still read the whole history', async () => {
    const db = t.platform.database.db;
    const a = randomUUID();
    const b = randomUUID();
    for (let i = 0; i < 3; i++)
      await appendEvent(db, {
        type: 'trip.bid_placed',
        aggregateType: 'test',
        aggregateId: a,
        actorId: null,
        payload: { tripId: a, driverId: a, amount: i },
      });
    await appendEvent(db, {
      type: 'trip.bid_placed',
      aggregateType: 'test',
      aggregateId: b,
      actorId: null,
      payload: { tripId: b, driverId: b, amount: 0 },
    });
    await sqlq(
      `UPDATE "${t.schema}".events SET created_at = now() - interval '100 days' WHERE aggregate_id = ANY($1)`,
      [[a, b]],
    );
    const total = async () => (await t.count('events')) + (await t.count('events_archive'));
    const before = await total();
    const original = await sqlq(
      `SELECT id, aggregate_type, aggregate_id, seq, type, payload, actor_id, created_at FROM "${t.schema}".events ` +
        `WHERE aggregate_id = $1 ORDER BY seq`,
      [a],
    );

    const res = await archiveOldEvents(db, 90);
    assert.equal(res.removed, 2, 'seq 1 and 2 of A; the newest event of each aggregate stays hot');
    assert.equal(await total(), before, 'nothing lost or duplicated');
    const archived = await sqlq(
      `SELECT id, aggregate_type, aggregate_id, seq, type, payload, actor_id, created_at FROM ` +
        `"${t.schema}".events_archive WHERE aggregate_id = $1 ORDER BY seq`,
      [a],
    );
    assert.deepEqual(archived.rows, original.rows.slice(0, 2), 'same columns, same values');

    const next = await appendEvent(db, {
      type: 'trip.bid_placed',
      aggregateType: 'test',
      aggregateId: a,
      actorId: null,
      payload: { tripId: a, driverId: a, amount: 3 },
    });
    assert.equal(next.seq, 4, 'the sequence continues across the archive');

    const admin = await t.admin();
    const page1 = await t.api('GET', `/api/v1/admin/events?aggregateId=${a}&limit=3`, { token: admin.accessToken });
    assert.equal(page1.status, 200, JSON.stringify(page1.body));
    assert.deepEqual(
      page1.body.data.map((e: { seq: number; archived: boolean }) => [e.seq, e.archived]),
      [
        [1, true],
        [2, true],
        [3, false],
      ],
    );
    const page2 = await t.api(
      'GET',
      `/api/v1/admin/events?aggregateId=${a}&limit=3&cursor=${page1.body.meta.nextCursor}`,
      { token: admin.accessToken },
    );
    assert.deepEqual(
      page2.body.data.map((e: { seq: number }) => e.seq),
      [4],
    );
    assert.equal(page2.body.meta.nextCursor, null);
    const rider = await t.signup('rider');
    assert.equal(
      (await t.api('GET', `/api/v1/admin/events?aggregateId=${a}`, { token: rider.accessToken })).status,
      403,
    );
  });

  test('each retention task is a daily job in the crontab; a run purges and books nothing by hand', async () => {
    const entries = t.platform.jobs.crontab.entries();
    for (const job of RETENTION_JOBS)
      assert.ok(
        entries.some(
          (e) => e.task === job.task.name && e.match === retentionCron(job, t.config.RETENTION_RUN_HOUR_UTC),
        ),
        `${job.task.name} in the crontab`,
      );
    const job = RETENTION_JOBS.find((j) => j.task.name === 'lifecycle.purge_idempotency_keys')!;
    await sqlq(
      `INSERT INTO "${t.schema}".idempotency_keys (scope, key, request_hash, state, created_at) VALUES ('task', ` +
        `'stale', 'h', 'done', now() - interval '3 days')`,
    );
    await t.platform.jobs.enqueue(t.platform.database.db, job.task, {});
    await t.platform.jobs.start();
    const known = async () =>
      (await sqlq(`SELECT identifier FROM "${t.schema}_jobs"._private_known_crontabs`)).rows.map((r) => r.identifier);
    for (let i = 0; i < 100; i++) {
      const left = await sqlq(`SELECT count(*)::int AS n FROM "${t.schema}".idempotency_keys WHERE scope = 'task'`);
      if (left.rows[0].n === 0 && (await known()).includes(job.task.name)) break;
      await sleep(100);
    }
    assert.equal(
      (await sqlq(`SELECT count(*)::int AS n FROM "${t.schema}".idempotency_keys WHERE scope = 'task'`)).rows[0].n,
      0,
    );
    // The worker took the schedule: graphile-worker records every cron identifier it runs.
    for (const j of RETENTION_JOBS) assert.ok((await known()).includes(j.task.name), `${j.task.name} known to cron`);
    // A self-booked next run would wait in the queue for a later time; the run that just purged may still be
    // finishing (its row goes once the worker completes it), so only future runs count.
    const pending = await sqlq(
      `SELECT count(*)::int AS n FROM "${t.schema}_jobs".jobs WHERE task_identifier = $1 AND run_at > now()`,
      [job.task.name],
    );
    assert.equal(pending.rows[0].n, 0, 'no self-booked next run: the crontab owns the schedule');
    assert.equal(await t.count('dead_letters'), 0);
  });
});
