import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { maintainLocationStorage } from '../../src/modules/location/index.js';
import { ack, eventually } from '../realtime/support.js';

const TAHRIR = { lat: 30.0444, lng: 31.2357 };
const DAY = 86_400_000;
const partition = (ms: number) => `location_history_${new Date(ms).toISOString().slice(0, 10).replaceAll('-', '')}`;

describe('location persistence', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('loc_persist'); // default flush interval (2 s): the ≤ 5 s promise is what is tested
  });
  after(async () => t.close());

  const q = async (text: string, values: unknown[] = []) => (await t.platform.database.pool.query(text, values)).rows;
  const report = (d: TestUser, body: Record<string, unknown>) =>
    t.api('POST', '/api/v1/location/update', { token: d.accessToken, body });

  test('last-known positions reach driver_locations within 5 s, for many drivers at once', async () => {
    const drivers = await Promise.all(Array.from({ length: 12 }, () => t.driver()));
    const at = Date.now() - 1_000;
    const sentAt = Date.now();
    await Promise.all(
      drivers.map((d, i) =>
        report(d, { lat: TAHRIR.lat + i * 1e-3, lng: TAHRIR.lng, heading: 10, speed: 4, accuracy: 6, timestamp: at }),
      ),
    );
    const ids = drivers.map((d) => d.id);
    await eventually(
      async () =>
        (await q(`SELECT count(*)::int AS n FROM driver_locations WHERE driver_id = ANY($1)`, [ids]))[0].n === 12,
      5_000,
      100,
    );
    assert.ok(Date.now() - sentAt <= 5_500);
    const [row] = await q(`SELECT * FROM driver_locations WHERE driver_id = $1`, [drivers[3]!.id]);
    assert.equal(row.lat, TAHRIR.lat + 3e-3);
    assert.deepEqual(
      [row.heading, row.speed, row.accuracy, row.recorded_at.getTime(), row.stopped_at],
      [10, 4, 6, at, null],
    );
  });

  test('history lands in the day partition; location_stop stamps stoppedAt; a new position clears it', async () => {
    const d = await t.driver();
    const at = Date.now() - 30_000;
    await t.api('POST', '/api/v1/location/batch-update', {
      token: d.accessToken,
      body: { points: [0, 3, 6].map((s) => ({ ...TAHRIR, timestamp: at + s * 1000 })) },
    });
    const socket = await t.connectSocket(d.accessToken);
    assert.equal((await ack(socket, 'driver:location_stop', {})).ok, true);
    await t.app.location.buffer.flush();
    const rows = await q(
      `SELECT tableoid::regclass::text AS part, recorded_at FROM location_history WHERE driver_id = $1 ORDER BY ` +
        `recorded_at`,
      [d.id],
    );
    assert.deepEqual(
      rows.map((r) => r.recorded_at.getTime()),
      [at, at + 3_000, at + 6_000],
    );
    assert.equal(rows[0].part, partition(at));
    const [stopped] = await q(`SELECT stopped_at, recorded_at FROM driver_locations WHERE driver_id = $1`, [d.id]);
    assert.ok(stopped.stopped_at instanceof Date && stopped.stopped_at.getTime() >= at + 6_000);
    assert.equal(
      (await ack(socket, 'driver:location_update', { ...TAHRIR, timestamp: Date.now() })).data.accepted,
      true,
    );
    await t.app.location.buffer.flush();
    const [moving] = await q(`SELECT stopped_at FROM driver_locations WHERE driver_id = $1`, [d.id]);
    assert.equal(moving.stopped_at, null);
    socket.disconnect();
  });

  test('LOCATION_HISTORY_DISABLED keeps last-known positions but writes no history', async () => {
    const d = await t.driver();
    t.platform.flags.set('LOCATION_HISTORY_DISABLED', true);
    try {
      assert.equal((await report(d, { ...TAHRIR, timestamp: Date.now() })).body.data.accepted, true);
      await t.app.location.buffer.flush();
      assert.equal((await q(`SELECT count(*)::int AS n FROM location_history WHERE driver_id = $1`, [d.id]))[0].n, 0);
      assert.equal((await q(`SELECT count(*)::int AS n FROM driver_locations WHERE driver_id = $1`, [d.id]))[0].n, 1);
    } finally {
      t.platform.flags.set('LOCATION_HISTORY_DISABLED', false);
    }
  });

  test('the maintenance job creates partitions a week ahead and leaves dropping to the retention job', async () => {
    const now = Date.now();
    const old = now - 40 * DAY;
    await q(
      `CREATE TABLE ${partition(old)} PARTITION OF location_history FOR VALUES FROM ` +
        `('${new Date(Math.floor(old / DAY) * DAY).toISOString()}') TO ` +
        `('${new Date(Math.floor(old / DAY) * DAY + DAY).toISOString()}')`,
    );
    await maintainLocationStorage(t.platform.database.db, now);
    const parts = (
      await q(
        `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = ` +
          `'location_history'::regclass`,
      )
    ).map((r) => r.relname);
    for (let d = 0; d <= 7; d++)
      assert.ok(parts.includes(partition(now + d * DAY)), `missing ${partition(now + d * DAY)}`);
    assert.ok(parts.includes(partition(old)), 'a 40-day-old day is within the default 90-day retention');
  });

  test('the start-up run goes through the queue; the daily ones come from the crontab', async () => {
    const entry = t.platform.jobs.crontab.entries().find((e) => e.task === 'location.maintain_partitions');
    assert.equal(entry?.match, '5 0 * * *');
    await t.platform.jobs.start();
    const jobs = `"${t.schema}_jobs"`;
    await eventually(
      async () => {
        const pending = await q(
          `SELECT 1 FROM ${jobs}._private_jobs j JOIN ${jobs}._private_tasks k ON k.id = j.task_id WHERE ` +
            `k.identifier = 'location.maintain_partitions'`,
        );
        const known = await q(
          `SELECT 1 FROM ${jobs}._private_known_crontabs WHERE identifier = 'location.maintain_partitions'`,
        );
        return pending.length === 0 && known.length === 1;
      },
      10_000,
      200,
    );
  });
});
