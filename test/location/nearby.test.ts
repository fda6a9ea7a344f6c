import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { findNearbyDrivers } from '../../src/modules/location/index.js';
import { ack, acceptedTrip } from '../realtime/support.js';

/** Somewhere no other test of this suite puts drivers, so each test sees only its own. */
function spot(i: number) {
  return { lat: 29.9 + i * 0.1, lng: 31.0 + i * 0.05 };
}
/** `m` metres north of p. */
const north = (p: { lat: number; lng: number }, m: number) => ({ lat: p.lat + m / 111_195, lng: p.lng });

describe('nearby drivers', () => {
  let t: TestApp;
  let rider: TestUser;
  before(async () => {
    t = await startTestApp('loc_nearby');
    rider = await t.signup('rider');
  });
  after(async () => t.close());

  const report = (d: TestUser, p: { lat: number; lng: number }, at = Date.now(), heading?: number) =>
    t.api('POST', '/api/v1/location/update', { token: d.accessToken, body: { ...p, heading, timestamp: at } });
  const nearby = (user: TestUser, q: Record<string, string | number>) =>
    t.api(
      'GET',
      `/api/v1/location/nearby?${new URLSearchParams(Object.entries(q).map(([k, v]): [string, string] => [k, String(v)]))}`,
      { token: user.accessToken },
    );

  test('nearest first, within the radius, riders see 3-decimal coordinates and admins exact ones', async () => {
    const c = spot(1);
    const [far, close, outside] = [await t.driver(), await t.driver({ vehicleClass: 'comfort' }), await t.driver()];
    await report(far, north(c, 2_500), Date.now(), 45);
    await report(close, north(c, 400), Date.now(), 180);
    await report(outside, north(c, 3_500));
    const res = await nearby(rider, { lat: c.lat, lng: c.lng, radiusKm: 3 });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      res.body.data.map((d: any) => d.driverId),
      [close.id, far.id],
    );
    const [first] = res.body.data;
    assert.equal(first.vehicleClass, 'comfort');
    assert.equal(first.heading, 180);
    const exact = north(c, 400);
    assert.equal(first.lat, Math.round(exact.lat * 1000) / 1000);
    assert.equal(first.lng, Math.round(exact.lng * 1000) / 1000);
    assert.ok(Math.abs(first.distanceM - 400) < 120, `blurred distance ${first.distanceM}`);
    const admin = await nearby(await t.admin(), { lat: c.lat, lng: c.lng, radiusKm: 3 });
    assert.equal(admin.body.data[0].lat, exact.lat);
    assert.ok(Math.abs(admin.body.data[0].distanceM - 400) <= 1);
    const classOnly = await nearby(rider, { lat: c.lat, lng: c.lng, radiusKm: 3, vehicleClass: 'economy' });
    assert.deepEqual(
      classOnly.body.data.map((d: any) => d.driverId),
      [far.id],
    );
    const one = await nearby(rider, { lat: c.lat, lng: c.lng, radiusKm: 10, limit: 1 });
    assert.deepEqual(
      one.body.data.map((d: any) => d.driverId),
      [close.id],
    );
  });

  test('drivers asking are 403; radius > 10 km, limit > 50 and (0,0) are 400', async () => {
    const d = await t.driver();
    assert.equal((await nearby(d, { lat: 30, lng: 31 })).status, 403);
    assert.equal((await nearby(rider, { lat: 30, lng: 31, radiusKm: 11 })).status, 400);
    assert.equal((await nearby(rider, { lat: 30, lng: 31, limit: 51 })).status, 400);
    assert.equal((await nearby(rider, { lat: 0, lng: 0 })).status, 400);
    assert.equal((await nearby(rider, { lat: 30 })).status, 400);
  });

  test('only fresh, approved, available drivers: stale, unapproved, offline and stopped ones are hidden', async () => {
    const c = spot(2);
    const shown = await t.driver();
    const stale = await t.driver();
    const unapproved = await t.driver({ approved: false });
    const offline = await t.driver({ available: false });
    const stopped = await t.driver();
    const goesOffline = await t.driver();
    await report(shown, north(c, 100));
    await report(stale, north(c, 200), Date.now() - 61_000);
    await report(unapproved, north(c, 300));
    await report(offline, north(c, 400));
    await report(stopped, north(c, 500));
    await report(goesOffline, north(c, 600));
    const socket = await t.connectSocket(stopped.accessToken);
    const stop = await ack(socket, 'driver:location_stop', {});
    assert.equal(stop.ok, true);
    assert.match(stop.data.stoppedAt, /^\d{4}-/);
    socket.disconnect();
    const off = await t.api('POST', '/api/v1/drivers/me/availability', {
      token: goesOffline.accessToken,
      body: { available: false },
    });
    assert.equal(off.status, 200);
    assert.equal(
      (await t.platform.hotState.getDriverPosition(goesOffline.id))?.available,
      false,
      'hot state follows the commit',
    );
    const ids = (await nearby(rider, { lat: c.lat, lng: c.lng })).body.data.map((d: any) => d.driverId);
    assert.deepEqual(ids, [shown.id]);
    // Back online: visible again (hot state follows Postgres), and a stopped driver reappears with its next position.
    await t.api('POST', '/api/v1/drivers/me/availability', {
      token: goesOffline.accessToken,
      body: { available: true },
    });
    await report(stopped, north(c, 500), Date.now() + 1);
    const again = (await nearby(rider, { lat: c.lat, lng: c.lng })).body.data.map((d: any) => d.driverId);
    assert.deepEqual(again, [shown.id, stopped.id, goesOffline.id]);
  });

  test(
    'a driver on a trip is hidden until the trip ends; findNearbyDrivers gives dispatch the scoring ' + 'facts',
    async () => {
      const c = spot(3);
      const busy = await t.driver();
      const free = await t.driver();
      await report(busy, north(c, 100));
      await report(free, north(c, 900));
      const trip = await acceptedTrip(t, await t.signup('rider'), busy);
      const during = (await nearby(rider, { lat: c.lat, lng: c.lng })).body.data.map((d: any) => d.driverId);
      assert.deepEqual(during, [free.id]);
      const cancelled = await t.api('POST', `/api/v1/trips/${trip.id}/cancel`, {
        token: busy.accessToken,
        body: { reason: 'car broke' },
      });
      assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
      const after = await findNearbyDrivers(
        { db: t.platform.database.db, hotState: t.platform.hotState },
        { lat: c.lat, lng: c.lng, radiusM: 3_000, limit: 5 },
      );
      assert.deepEqual(
        after.map((d) => d.driverId),
        [busy.id, free.id],
      );
      assert.equal(after[0]!.state, 'available');
      assert.equal(after[0]!.rating, 5);
      assert.ok(after[0]!.acceptanceRate > 0 && after[0]!.acceptanceRate <= 1);
      assert.ok(Math.abs(after[0]!.distanceM - 100) < 1);
      const excluded = await findNearbyDrivers(
        { db: t.platform.database.db, hotState: t.platform.hotState },
        { lat: c.lat, lng: c.lng, radiusM: 3_000, limit: 5, excludeIds: [busy.id] },
      );
      assert.deepEqual(
        excluded.map((d) => d.driverId),
        [free.id],
      );
    },
  );
});
