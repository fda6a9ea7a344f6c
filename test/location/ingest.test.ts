import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { ack } from '../realtime/support.js';

const TAHRIR = { lat: 30.0444, lng: 31.2357 };

describe('location ingest', () => {
  let t: TestApp;
  let driver: TestUser;
  before(async () => {
    t = await startTestApp('loc_ingest');
    driver = await t.driver();
  });
  after(async () => t.close());

  const update = (user: TestUser, body: unknown) =>
    t.api('POST', '/api/v1/location/update', { token: user.accessToken, body });

  test('a driver update is accepted with the server time; one < 2 s later is coalesced, not an error', async () => {
    const d = await t.driver();
    const at = Date.now() - 5_000;
    const first = await update(d, {
      ...TAHRIR,
      heading: 90,
      speed: 8.5,
      accuracy: 5,
      timestamp: new Date(at).toISOString(),
    });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.data.accepted, true);
    assert.ok(Math.abs(Date.parse(first.body.data.serverTime) - Date.now()) < 5_000);
    const soon = await update(d, { ...TAHRIR, timestamp: at + 1_500 });
    assert.deepEqual([soon.status, soon.body.data.accepted], [200, false]);
    const later = await update(d, { ...TAHRIR, timestamp: at + 2_000 });
    assert.equal(later.body.data.accepted, true, 'epoch ms works and 2 s apart is accepted');
    const older = await update(d, { ...TAHRIR, timestamp: at - 10_000 });
    assert.equal(older.body.data.accepted, false, 'out of order');
  });

  test('riders and admins may not send positions (403)', async () => {
    const rider = await t.signup('rider');
    const res = await update(rider, { ...TAHRIR, timestamp: Date.now() });
    assert.deepEqual([res.status, res.body.error.code], [403, 'FORBIDDEN']);
    const admin = await update(await t.admin(), { ...TAHRIR, timestamp: Date.now() });
    assert.equal(admin.status, 403);
    const batch = await t.api('POST', '/api/v1/location/batch-update', {
      token: rider.accessToken,
      body: { points: [{ ...TAHRIR, timestamp: Date.now() }] },
    });
    assert.equal(batch.status, 403);
  });

  test('bad coordinates and timestamps are 400 with field details', async () => {
    const now = Date.now();
    const cases: Array<[string, unknown]> = [
      ['(0,0)', { lat: 0, lng: 0, timestamp: now }],
      ['lat > 90', { lat: 91, lng: 31, timestamp: now }],
      ['lng < -180', { lat: 30, lng: -181, timestamp: now }],
      ['lat as string', { lat: '30', lng: 31, timestamp: now }],
      ['future > 30 s', { ...TAHRIR, timestamp: now + 60_000 }],
      ['not a date', { ...TAHRIR, timestamp: 'yesterday' }],
      ['missing timestamp', { ...TAHRIR }],
      ['negative accuracy', { ...TAHRIR, accuracy: -1, timestamp: now }],
    ];
    for (const [name, body] of cases) {
      const res = await update(driver, body);
      assert.equal(res.status, 400, `${name}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, 'VALIDATION_ERROR');
      assert.ok(Array.isArray(res.body.error.details) && res.body.error.details.length > 0, name);
    }
    const skewed = await update(driver, { ...TAHRIR, timestamp: now + 20_000 });
    assert.equal(skewed.status, 200, '20 s of clock skew is tolerated');
  });

  test('batch: ≤ 100 points; stale, out-of-order and too-close points are dropped', async () => {
    const d = await t.driver();
    const base = Date.now() - 60_000;
    const p = (dtS: number) => ({ lat: TAHRIR.lat + dtS * 1e-5, lng: TAHRIR.lng, timestamp: base + dtS * 1000 });
    const res = await t.api('POST', '/api/v1/location/batch-update', {
      token: d.accessToken,
      body: {
        points: [p(0), p(3), p(1), p(4), p(6), p(6), p(10), { ...p(0), timestamp: Date.now() - 2 * 86_400_000 }],
      },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    // kept: 0, 3, 6, 10 — dropped: 1 (out of order), 4 (< 2 s after 3), 6 (duplicate), two days old (stale)
    assert.deepEqual(res.body.data, { accepted: 4, dropped: 4, reasons: { stale: 2, coalesced: 2 } });
    const again = await t.api('POST', '/api/v1/location/batch-update', {
      token: d.accessToken,
      body: { points: [p(5), p(12)] },
    });
    assert.deepEqual(
      again.body.data,
      { accepted: 1, dropped: 1, reasons: { stale: 1 } },
      'older than the last kept point is stale',
    );
    const tooMany = await t.api('POST', '/api/v1/location/batch-update', {
      token: d.accessToken,
      body: { points: Array.from({ length: 101 }, (_, i) => p(20 + i * 3)) },
    });
    assert.equal(tooMany.status, 400);
    const empty = await t.api('POST', '/api/v1/location/batch-update', { token: d.accessToken, body: { points: [] } });
    assert.equal(empty.status, 400);
  });

  test(
    'socket driver:location_update acks {accepted, reason?}; legacy names are unknown while LEGACY_EVENTS is ' + 'off',
    async () => {
      const d = await t.driver();
      const socket = await t.connectSocket(d.accessToken);
      const at = Date.now() - 10_000;
      const first = await ack(socket, 'driver:location_update', { ...TAHRIR, timestamp: at });
      assert.deepEqual(first, { ok: true, data: { accepted: true } });
      const coalesced = await ack(socket, 'driver:location_update', { ...TAHRIR, timestamp: at + 500 });
      assert.deepEqual(coalesced, { ok: true, data: { accepted: false, reason: 'coalesced' } });
      const bad = await ack(socket, 'driver:location_update', { lat: 0, lng: 0, timestamp: at + 5_000 });
      assert.equal(bad.error?.code, 'VALIDATION_ERROR');
      const legacy = await ack(socket, 'location:update', { ...TAHRIR, timestamp: at + 6_000 });
      assert.equal(legacy.error?.code, 'VALIDATION_ERROR');
      socket.disconnect();
    },
  );

  test('presence: a position marks the driver online for 30 s', async () => {
    const d = await t.driver();
    const { isDriverOnline } = await import('../../src/modules/location/index.js');
    assert.equal(await isDriverOnline(t.platform.hotState, d.id), false);
    await update(d, { ...TAHRIR, timestamp: Date.now() });
    assert.equal(await isDriverOnline(t.platform.hotState, d.id), true);
  });
});
