// npm test: own process (it reads the process-wide metrics registry)
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { metricsRegistry } from '../../src/platform/observability/metrics.js';
import { ack } from '../realtime/support.js';
import { eventually, northOf, requestTrip, respond, watchOffers } from '../dispatch/support.js';

const FLAG_AFTER = 5; // FRAUD_FLAG_AFTER default
let district = 0;
/** Each test in its own district, so drivers of one never show up in another's nearby or dispatch. */
const nextDistrict = () => ({ lat: 29.5 + 0.3 * ++district, lng: 31.2357 });
/** 50 km east: an implied speed of thousands of km/h a few seconds after the last fix. */
const farFrom = (p: { lat: number; lng: number }) => ({ lat: p.lat, lng: p.lng + 0.5 });

async function droppedCount(reason: string): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric('smartline_location_fixes_dropped_total')!.get();
  return metric.values.filter((v) => v.labels.reason === reason).reduce((sum, v) => sum + v.value, 0);
}

describe('GPS hygiene and fraud flags', () => {
  let t: TestApp;
  let admin: TestUser;
  before(async () => {
    t = await startTestApp('gps_hygiene', { DISPATCH_TIME_SCALE: '0.1' });
    await t.platform.jobs.start();
    admin = await t.admin();
  });
  after(async () => t.close());

  const update = (d: TestUser, body: Record<string, unknown>) =>
    t.api('POST', '/api/v1/location/update', { token: d.accessToken, body });
  const nearbyIds = async (where: { lat: number; lng: number }) => {
    const res = await t.api('GET', `/api/v1/location/nearby?lat=${where.lat}&lng=${where.lng}&radiusKm=3`, {
      token: admin.accessToken,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return (res.body.data as Array<{ driverId: string }>).map((d) => d.driverId);
  };
  const openFlags = async (driverId: string) =>
    (
      await t.api('GET', '/api/v1/admin/fraud-flags?status=open&limit=100', { token: admin.accessToken })
    ).body.data.filter((f: { driverId: string }) => f.driverId === driverId);

  /** A real fix at `home` 30 s ago, then `n` spoofed 50 km jumps 3 s apart after it. */
  async function spoof(d: TestUser, home: { lat: number; lng: number }, n: number, start = Date.now() - 30_000) {
    const anchor = await update(d, { ...home, timestamp: start });
    assert.equal(anchor.body.data.accepted, true);
    const acks = [];
    for (let i = 1; i <= n; i++)
      acks.push((await update(d, { ...farFrom(home), timestamp: start + i * 3_000 })).body.data);
    return acks;
  }

  test('an impossible jump is dropped, the ack says "speed", and the driver stays where the last good fix put them', async () => {
    const home = nextDistrict();
    const d = await t.driver();
    const before = await droppedCount('speed');
    const [jump] = await spoof(d, home, 1);
    assert.deepEqual({ accepted: jump.accepted, reason: jump.reason }, { accepted: false, reason: 'speed' });
    const pos = await t.platform.hotState.getDriverPosition(d.id);
    assert.deepEqual({ lat: pos!.lat, lng: pos!.lng }, home, 'the map still shows the last accepted fix');
    assert.equal((await droppedCount('speed')) - before, 1, 'dropped fixes are counted by reason');
    // A plausible move (500 m in 10 s = 180 km/h) is taken.
    const next = await update(d, { ...northOf(home, 500), timestamp: Date.now() - 30_000 + 13_000 });
    assert.deepEqual(next.body.data.accepted, true);
  });

  test('a fix less accurate than GPS_MAX_ACCURACY_M (100 m) is dropped with reason "accuracy"; 100 m is taken', async () => {
    const home = nextDistrict();
    const d = await t.driver();
    const base = Date.now() - 20_000;
    const before = await droppedCount('accuracy');
    const poor = await update(d, { ...home, accuracy: 150, timestamp: base });
    assert.deepEqual([poor.body.data.accepted, poor.body.data.reason], [false, 'accuracy']);
    assert.equal(await t.platform.hotState.getDriverPosition(d.id), null, 'nothing indexed');
    const ok = await update(d, { ...home, accuracy: 100, timestamp: base + 3_000 });
    assert.equal(ok.body.data.accepted, true);
    assert.equal((await droppedCount('accuracy')) - before, 1);
    // Noise is not fraud: many inaccurate fixes never flag a driver.
    for (let i = 2; i < 2 + FLAG_AFTER * 2; i++)
      await update(d, { ...home, accuracy: 5_000, timestamp: base + i * 1_500 });
    assert.equal((await openFlags(d.id)).length, 0);
  });

  test('mock-location reports are dropped (ack reason "mock", socket and batch) and count towards a flag', async () => {
    const home = nextDistrict();
    const d = await t.driver();
    const base = Date.now() - 30_000;
    const socket = await t.connectSocket(d.accessToken);
    const first = await ack(socket, 'driver:location_update', { ...home, isMock: true, timestamp: base });
    assert.deepEqual(first, { ok: true, data: { accepted: false, reason: 'mock' } });
    const real = await ack(socket, 'driver:location_update', { ...home, isMock: false, timestamp: base + 1_000 });
    assert.deepEqual(real, { ok: true, data: { accepted: true } });
    socket.disconnect();
    const batch = await t.api('POST', '/api/v1/location/batch-update', {
      token: d.accessToken,
      body: {
        points: [1, 2, 3].map((i) => ({ ...home, isMock: true, timestamp: base + i * 3_000 })),
      },
    });
    assert.deepEqual(batch.body.data, { accepted: 0, dropped: 3, reasons: { mock: 3 } });
    assert.equal((await openFlags(d.id)).length, 0, 'four reports: not yet');
    const fifth = await update(d, { ...home, isMock: true, timestamp: base + 12_000 });
    assert.equal(fifth.body.data.reason, 'mock');
    const [flag] = await openFlags(d.id);
    assert.deepEqual({ reason: flag.reason, fixes: flag.suspiciousFixes }, { reason: 'mock_location', fixes: 5 });
  });

  test('the spoofed-jump driver is hidden from nearby and from dispatch; cleared ⇒ back', async () => {
    const home = nextDistrict();
    const spoofer = await t.driver();
    const honest = await t.driver();
    await update(honest, { ...northOf(home, 1_500), timestamp: Date.now() });
    await spoof(spoofer, home, FLAG_AFTER - 1);
    assert.deepEqual((await nearbyIds(home)).sort(), [spoofer.id, honest.id].sort(), 'four jumps: still shown');
    assert.equal((await openFlags(spoofer.id)).length, 0);

    await update(spoofer, { ...farFrom(home), timestamp: Date.now() - 30_000 + FLAG_AFTER * 3_000 });
    const [flag] = await openFlags(spoofer.id);
    assert.deepEqual({ reason: flag.reason, fixes: flag.suspiciousFixes }, { reason: 'impossible_jump', fixes: 5 });
    assert.deepEqual(await nearbyIds(home), [honest.id], 'hidden from nearby');

    // Dispatch: first_accept offers its top 5 at once, so an eligible spoofer would be offered with the honest one.
    const { offers } = await watchOffers(t, [spoofer, honest]);
    const rider = await t.signup('rider');
    const trip = await requestTrip(t, rider, { pickup: home, dropoff: northOf(home, 5_000) });
    await eventually(() => offers.length === 1);
    assert.equal(offers[0]!.driverId, honest.id, 'the flagged driver, though nearer, is not offered the trip');
    assert.equal((await respond(t, spoofer, trip.id, { action: 'accept' })).status, 403, 'and cannot take it');
    assert.equal((await respond(t, honest, trip.id, { action: 'accept' })).status, 200);

    const cleared = await t.api('POST', `/api/v1/admin/fraud-flags/${flag.id}/clear`, {
      token: admin.accessToken,
      body: { note: 'checked with the driver: old phone, GPS fixed' },
    });
    assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
    assert.deepEqual([cleared.body.data.status, cleared.body.data.clearedBy], ['cleared', admin.id]);
    const backAt = Date.now();
    await update(spoofer, { ...home, timestamp: backAt });
    assert.ok((await nearbyIds(home)).includes(spoofer.id), 'back in nearby');
    const rider2 = await t.signup('rider');
    const trip2 = await requestTrip(t, rider2, { pickup: home, dropoff: northOf(home, 5_000) });
    await eventually(() => offers.some((o) => o.payload.tripId === trip2.id && o.driverId === spoofer.id));

    // The count starts again from zero after a clear: four new jumps do not flag.
    await respond(t, spoofer, trip2.id, { action: 'decline' });
    for (let i = 1; i < FLAG_AFTER; i++)
      assert.equal(
        (await update(spoofer, { ...farFrom(home), timestamp: backAt + i * 3_000 })).body.data.reason,
        'speed',
      );
    assert.equal((await openFlags(spoofer.id)).length, 0);
  });

  test('many concurrent spoofed fixes open exactly one flag', async () => {
    const home = nextDistrict();
    const d = await t.driver();
    const start = Date.now() - 60_000;
    await update(d, { ...home, timestamp: start });
    const acks = await Promise.all(
      Array.from({ length: 60 }, (_, i) => update(d, { ...farFrom(home), timestamp: start + (i + 1) * 500 })),
    );
    assert.ok(acks.every((a) => a.status === 200 && a.body.data.accepted === false));
    assert.equal((await openFlags(d.id)).length, 1);
    const rows = await t.platform.database.pool.query(
      `SELECT count(*)::int AS n FROM "${t.schema}".fraud_flags WHERE driver_id = $1`,
      [d.id],
    );
    assert.equal(rows.rows[0].n, 1);
  });

  test('admin flag API: list by status, clear once (409 after), unknown 404, note required, admins only', async () => {
    const home = nextDistrict();
    const d = await t.driver();
    await spoof(d, home, FLAG_AFTER);
    const [flag] = await openFlags(d.id);
    const clear = (body: unknown, id = flag.id, token = admin.accessToken) =>
      t.api('POST', `/api/v1/admin/fraud-flags/${id}/clear`, { token, body });
    assert.equal((await clear({})).status, 400, 'note required');
    assert.equal((await clear({ note: 'a\u0000b' })).status, 400, 'text guard');
    assert.equal((await clear({ note: 'ok' }, flag.id, d.accessToken)).status, 403);
    assert.equal((await clear({ note: 'ok' }, '00000000-0000-4000-8000-000000000000')).status, 404);
    assert.equal((await clear({ note: 'first' })).status, 200);
    const again = await clear({ note: 'second' });
    assert.deepEqual([again.status, again.body.error.code], [409, 'CONFLICT']);
    const listed = await t.api('GET', '/api/v1/admin/fraud-flags?status=cleared', { token: admin.accessToken });
    const mine = listed.body.data.find((f: { id: string }) => f.id === flag.id);
    assert.equal(mine.note, 'first', 'the first clear stands');
    assert.equal(
      (await t.api('GET', '/api/v1/admin/fraud-flags?status=bogus', { token: admin.accessToken })).status,
      400,
    );
  });

  test('bad accuracy or isMock are validation errors and nothing is indexed', async () => {
    const home = nextDistrict();
    const d = await t.driver();
    const now = Date.now();
    for (const bad of [{ accuracy: -1 }, { accuracy: 'NaN' }, { accuracy: 1e9 }, { isMock: 'yes' }, { isMock: 1 }]) {
      const res = await update(d, { ...home, ...bad, timestamp: now });
      assert.deepEqual([res.status, res.body.error.code], [400, 'VALIDATION_ERROR'], JSON.stringify(bad));
    }
    const socket = await t.connectSocket(d.accessToken);
    const viaSocket = await ack(socket, 'driver:location_update', { ...home, isMock: 'true', timestamp: now });
    assert.equal(viaSocket.error?.code, 'VALIDATION_ERROR');
    socket.disconnect();
    assert.equal(await t.platform.hotState.getDriverPosition(d.id), null);
  });
});
