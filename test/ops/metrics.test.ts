// npm test: own process (it reads absolute values of the process-wide metrics registry)
/**
 * GET /metrics: only for the bearer of METRICS_TOKEN, and what it reports
 * follows real traffic — a ride through dispatch, jobs, sockets, the pool.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { defineTask } from '../../src/platform/jobs/task.js';
import { runReconciliation } from '../../src/modules/payments/index.js';
import { PICKUP, driverAt, eventually, matchingStatus, northOf, requestTrip, respond } from '../dispatch/support.js';
import { scrape } from './prom.js';

const POOL_MAX = 6;
const alwaysFails = defineTask({ name: 'test.always_fails', schema: z.object({ n: z.number() }), maxAttempts: 1 });

describe('GET /metrics', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('ops_metrics', { DB_POOL_MAX: String(POOL_MAX) });
    t.platform.jobs.register(alwaysFails, async () => {
      throw new Error('boom');
    });
    await t.platform.jobs.start();
  });
  after(async () => t.close());

  test('401 with the error envelope without the token, with a wrong one, or with another scheme', async () => {
    const cases: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer wrong-token-123' },
      { authorization: `Bearer ${t.config.metricsToken}x` },
      { authorization: `Basic ${t.config.metricsToken}` },
    ];
    for (const headers of cases) {
      const res = await t.api('GET', '/metrics', { headers });
      assert.equal(res.status, 401, JSON.stringify(headers));
      assert.equal(res.body.success, false);
      assert.equal(res.body.error.code, 'UNAUTHENTICATED');
      assert.equal(res.body.meta.requestId, res.headers['x-request-id']);
    }
    // A rider's valid access token is not the metrics token either.
    const rider = await t.signup('rider');
    assert.equal((await t.api('GET', '/metrics', { token: rider.accessToken })).status, 401);
  });

  test('a scripted ride shows up in the HTTP, trip, dispatch, driver and location metrics', async () => {
    const before = await scrape(t);
    const rider = await t.signup('rider');
    const driver = await driverAt(t, northOf(PICKUP, 300));
    const trip = await requestTrip(t, rider);
    await eventually(async () => (await matchingStatus(t, rider, trip.id)).offeredDrivers === 1);
    assert.equal((await respond(t, driver, trip.id, { action: 'accept' })).status, 200);

    const matched = await scrape(t);
    assert.equal(matched.value('smartline_trips', { status: 'accepted' }), 1);
    assert.equal(matched.value('smartline_trips', { status: 'searching' }), 0);
    assert.equal(matched.value('smartline_drivers_online', { vehicle_class: 'economy', state: 'busy' }), 1);

    const otp = (await t.api('GET', `/api/v1/trips/${trip.id}`, { token: rider.accessToken })).body.data.otp;
    const step = (status: string, extra: Record<string, unknown> = {}) =>
      t.api('POST', `/api/v1/trips/${trip.id}/status`, { token: driver.accessToken, body: { status, ...extra } });
    for (const [status, extra] of [
      ['arrived', {}],
      ['started', { otp }],
      ['completed', {}],
    ] as const) {
      assert.equal((await step(status, extra)).status, 200, status);
    }
    assert.equal(
      (await t.api('GET', `/api/v1/trips/${trip.id}/no-such-thing`, { token: rider.accessToken })).status,
      404,
    );

    const s = await scrape(t);
    const delta = (name: string, labels: Record<string, string>) => s.sum(name, labels) - before.sum(name, labels);
    const http = 'smartline_http_request_duration_seconds';
    // Route patterns, never URLs: the trip id is in no label.
    assert.equal(delta(`${http}_count`, { method: 'POST', route: '/api/v1/trips', status_code: '201' }), 1);
    assert.equal(delta(`${http}_count`, { method: 'POST', route: '/api/v1/trips/:id/status', status_code: '200' }), 3);
    assert.equal(
      delta(`${http}_bucket`, { method: 'POST', route: '/api/v1/trips', status_code: '201', le: '+Inf' }),
      1,
    );
    assert.ok(s.value(`${http}_sum`, { method: 'POST', route: '/api/v1/trips', status_code: '201' }) > 0);
    assert.equal(delta(`${http}_count`, { method: 'GET', route: 'unmatched', status_code: '404' }), 1);
    assert.ok(
      !s.text.includes(trip.id) && !s.text.includes(rider.id) && !s.text.includes(driver.id),
      'no ids in labels',
    );

    assert.equal(s.value('smartline_trips_requested_total', { strategy: 'first_accept', vehicle_class: 'economy' }), 1);
    for (const to of ['accepted', 'arrived', 'started', 'completed'])
      assert.equal(s.value('smartline_trip_status_changes_total', { to }), 1, to);
    for (const status of ['searching', 'accepted', 'arrived', 'started'])
      assert.equal(s.value('smartline_trips', { status }), 0, status);

    assert.equal(s.value('smartline_dispatch_offers_total', { strategy: 'first_accept' }), 1);
    assert.equal(s.value('smartline_dispatch_offer_outcomes_total', { outcome: 'accepted' }), 1);
    assert.equal(s.value('smartline_dispatch_time_to_match_seconds_count', { strategy: 'first_accept' }), 1);
    assert.equal(
      s.value('smartline_dispatch_time_to_match_seconds_bucket', { strategy: 'first_accept', le: '60' }),
      1,
      'matched within 60 s',
    );
    assert.ok(s.value('smartline_dispatch_time_to_match_seconds_sum', { strategy: 'first_accept' }) < 60);

    // Completed: the driver is in cooldown now, still online.
    assert.equal(s.value('smartline_drivers_online', { vehicle_class: 'economy', state: 'cooldown' }), 1);
    assert.equal(s.value('smartline_drivers_online', { vehicle_class: 'economy', state: 'busy' }), 0);
    assert.equal(delta('smartline_location_updates_total', { outcome: 'accepted' }), 1);
  });

  test('jobs: duration by task and outcome, queue depth and dead letters match the database', async () => {
    await t.platform.jobs.enqueue(t.platform.database.db, alwaysFails, { n: 1 });
    await eventually(
      async () => (await scrape(t)).sum('smartline_jobs_dead_letters', { task: 'test.always_fails' }) === 1,
    );
    const s = await scrape(t);
    assert.equal(s.value('smartline_jobs_dead_lettered_total', { task: 'test.always_fails' }), 1);
    assert.equal(
      s.value('smartline_job_duration_seconds_count', { task: 'test.always_fails', outcome: 'dead_lettered' }),
      1,
    );
    assert.equal(
      s.find('smartline_job_duration_seconds_count', { task: 'test.always_fails', outcome: 'ok' }).length,
      0,
    );

    // Every registered task has a depth sample; the scheduled ones equal what the worker schema holds.
    const { rows } = await t.platform.database.pool.query(
      `SELECT task_identifier AS task, count(*)::int AS n FROM "${t.schema}_jobs".jobs WHERE locked_at IS NULL AND ` +
        `run_at > now() AND attempts < max_attempts GROUP BY 1`,
    );
    assert.ok(rows.length > 0, 'start-up schedules maintenance jobs');
    for (const row of rows)
      assert.equal(s.value('smartline_jobs_queued', { task: row.task, state: 'scheduled' }), row.n, row.task);
    assert.equal(s.value('smartline_jobs_queued', { task: 'dispatch.round', state: 'failed' }), 0);
    assert.equal(s.value('smartline_jobs_dead_letters', { task: 'dispatch.round' }), 0);
    assert.ok(s.value('smartline_jobs_oldest_ready_age_seconds', { task: 'test.always_fails' }) >= 0);
  });

  test('platform gauges: database pool, database up, hot-state adapter, sockets, reconciliation', async () => {
    let s = await scrape(t);
    assert.equal(s.value('smartline_db_up'), 1);
    assert.equal(s.value('smartline_db_pool_max_clients'), POOL_MAX);
    const total = s.value('smartline_db_pool_total_clients');
    assert.ok(total >= 1 && total <= POOL_MAX, `total ${total}`);
    assert.ok(s.value('smartline_db_pool_idle_clients') <= total);
    assert.equal(s.value('smartline_db_pool_waiting_requests'), 0);
    const adapter = t.config.REDIS_URL ? 'redis' : 'memory';
    assert.equal(s.value('smartline_hotstate_adapter', { adapter }), 1);
    assert.equal(s.find('smartline_hotstate_adapter').length, 1);
    assert.equal(s.value('smartline_hotstate_degraded'), 0);
    assert.equal(s.find('smartline_ledger_reconciliation_last_ok').length, 0, 'absent before the first run');

    const rider = await t.signup('rider');
    const socket = await t.connectSocket(rider.accessToken);
    await runReconciliation(t.app.payments);
    s = await scrape(t);
    assert.equal(s.value('smartline_socket_connections'), 1);
    assert.ok(s.value('smartline_socket_connect_attempts_total', { outcome: 'ok' }) >= 1);
    assert.equal(s.value('smartline_ledger_reconciliation_last_ok'), 1);
    assert.ok(Math.abs(s.value('smartline_ledger_reconciliation_last_run_timestamp_seconds') - Date.now() / 1000) < 60);

    socket.disconnect();
    await eventually(async () => (await scrape(t)).value('smartline_socket_connections') === 0);
  });
});
