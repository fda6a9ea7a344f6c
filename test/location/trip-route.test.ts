import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { MAX_ROUTE_POINTS, type TripLocation } from '../../src/modules/location/index.js';
import { haversineMeters } from '../../src/shared/index.js';
import { ack, acceptedTrip, CAIRO_PICKUP, eventually, next, record, sleep } from '../realtime/support.js';

/** A drive north from the pickup: fix i is i × 3 s after `start`, 25 m further on. */
function drive(start: number, from: number, count: number, extra: Record<string, unknown> = {}) {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return {
      lat: CAIRO_PICKUP.lat - 0.01 + (i * 25) / 111_195,
      lng: CAIRO_PICKUP.lng,
      heading: 0,
      speed: 8.3,
      accuracy: 5,
      timestamp: start + i * 3_000,
      ...extra,
    };
  });
}

const pathLength = (points: Array<{ lat: number; lng: number }>) =>
  points.reduce((sum, p, i) => (i === 0 ? 0 : sum + haversineMeters(points[i - 1]!, p)), 0);

describe('trip route and live trip feed', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('loc_route');
  });
  after(async () => t.close());

  const batch = (d: TestUser, points: unknown[]) =>
    t.api('POST', '/api/v1/location/batch-update', { token: d.accessToken, body: { points } });

  test(
    'during a trip: the rider gets trip:driver_location (≤ 1/s) and trip:eta_update; the route keeps accurate ' +
      'fixes',
    async () => {
      const rider = await t.signup('rider');
      const driver = await t.driver();
      const seenBySafety: TripLocation[] = [];
      const unsubscribe = t.platform.bus.onSignal('trip.location', (p) => seenBySafety.push(p));
      const riderSocket = await t.connectSocket(rider.accessToken);
      const driverSocket = await t.connectSocket(driver.accessToken);
      const trip = await acceptedTrip(t, rider, driver);
      await sleep(50); // the accept's room joins are applied
      const live = record(riderSocket, ['trip:driver_location', 'trip:eta_update']);

      const start = Date.now() - 10 * 60_000;
      const fixes = drive(start, 0, 6);
      fixes[2]!.accuracy = 80; // too inaccurate for the route
      for (const fix of fixes)
        assert.equal((await ack(driverSocket, 'driver:location_update', fix)).data.accepted, true);
      await eventually(() => live.some((e) => e.event === 'trip:eta_update'));
      await sleep(300);
      const locations = live.filter((e) => e.event === 'trip:driver_location');
      assert.equal(locations.length, 1, 'six fixes inside one second: one forwarded');
      const loc = locations[0]!.payload;
      assert.deepEqual(
        { tripId: loc.tripId, lat: loc.lat, lng: loc.lng, heading: loc.heading, at: loc.at },
        { tripId: trip.id, lat: fixes[0]!.lat, lng: fixes[0]!.lng, heading: 0, at: new Date(start).toISOString() },
      );
      assert.equal(typeof loc.seq, 'number');
      const eta = live.find((e) => e.event === 'trip:eta_update')!.payload;
      assert.equal(eta.tripId, trip.id);
      assert.ok(eta.distanceM > 0 && eta.etaS > 0, JSON.stringify(eta));

      await sleep(1_000);
      const moved = next(riderSocket, 'trip:driver_location');
      await ack(driverSocket, 'driver:location_update', drive(start, 6, 1)[0]);
      assert.equal((await moved).lat, drive(start, 6, 1)[0]!.lat, 'a second later the next fix is forwarded');

      const accurate = [...fixes.filter((f) => f.accuracy <= 50), drive(start, 6, 1)[0]!];
      assert.deepEqual(
        seenBySafety.filter((p) => p.tripId === trip.id).map((p) => p.at),
        accurate.map((f) => f.timestamp),
      );
      assert.deepEqual(Object.keys(seenBySafety[0]!).sort(), [
        'at',
        'driverId',
        'heading',
        'lat',
        'lng',
        'speed',
        'tripId',
        'tripStatus',
      ]);
      assert.equal(seenBySafety[0]!.speed, 8.3);
      unsubscribe();

      const route = await t.api('GET', `/api/v1/trips/${trip.id}/route`, { token: rider.accessToken });
      assert.equal(route.status, 200, JSON.stringify(route.body));
      assert.deepEqual(
        route.body.data.points.map((p: any) => Date.parse(p.at)),
        accurate.map((f) => f.timestamp),
      );
      assert.ok(
        Math.abs(route.body.data.distanceM - pathLength(accurate)) <= 1,
        `${route.body.data.distanceM} vs ${pathLength(accurate)}`,
      );
      const driverView = await t.api('GET', `/api/v1/trips/${trip.id}/route`, { token: driver.accessToken });
      assert.equal(driverView.status, 200);
      const stranger = await t.api('GET', `/api/v1/trips/${trip.id}/route`, {
        token: (await t.signup('rider')).accessToken,
      });
      assert.equal(stranger.status, 404);
      riderSocket.disconnect();
      driverSocket.disconnect();
    },
  );

  test('a long trip keeps ≤ 1000 evenly sampled points; the distance still counts every fix', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const trip = await acceptedTrip(t, rider, driver);
    const start = Date.now() - 20 * 3600_000;
    const all = drive(start, 0, 2_400);
    for (let i = 0; i < all.length; i += 100) {
      const res = await batch(driver, all.slice(i, i + 100));
      assert.equal(res.body.data.accepted, 100, JSON.stringify(res.body));
      if (i % 700 === 0) await t.app.location.buffer.flush(); // several flushes, as in real life
    }
    const route = await t.api('GET', `/api/v1/trips/${trip.id}/route`, { token: rider.accessToken });
    const points = route.body.data.points as Array<{ lat: number; lng: number; at: string }>;
    assert.ok(
      points.length <= MAX_ROUTE_POINTS + 1 && points.length >= MAX_ROUTE_POINTS / 2,
      `${points.length} points`,
    );
    assert.equal(Date.parse(points[0]!.at), start, 'starts at the first fix');
    assert.equal(Date.parse(points.at(-1)!.at), all.at(-1)!.timestamp, 'ends at the last fix');
    const gaps = points.slice(1, -1).map((p, i) => Date.parse(p.at) - Date.parse(points[i]!.at));
    assert.equal(new Set(gaps).size, 1, 'uniform sampling');
    assert.ok(
      Math.abs(route.body.data.distanceM - pathLength(all)) <= 2,
      `${route.body.data.distanceM} vs ${pathLength(all)}`,
    );
  });

  test('a route read while a timer flush is writing still shows every point', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const trip = await acceptedTrip(t, rider, driver);
    const fixes = drive(Date.now() - 5 * 60_000, 0, 20);
    for (let round = 0; round < 5; round++) {
      const sent = fixes.slice(0, (round + 1) * 4);
      await batch(driver, sent.slice(-4));
      const inFlight = t.app.location.buffer.flush(); // the timer's flush: the points leave the buffer now
      const route = await t.api('GET', `/api/v1/trips/${trip.id}/route`, { token: rider.accessToken });
      await inFlight;
      assert.deepEqual(
        route.body.data.points.map((p: any) => Date.parse(p.at)),
        sent.map((f) => f.timestamp),
        `round ${round}`,
      );
    }
  });

  test('positions outside a trip build no route', async () => {
    const driver = await t.driver();
    await batch(driver, drive(Date.now() - 60_000, 0, 3));
    await t.app.location.buffer.flush();
    const rows = await t.platform.database.pool.query(`SELECT count(*)::int AS n FROM trip_routes`);
    const before = rows.rows[0].n;
    await batch(driver, drive(Date.now() - 30_000, 0, 3));
    await t.app.location.buffer.flush();
    assert.equal(
      (await t.platform.database.pool.query(`SELECT count(*)::int AS n FROM trip_routes`)).rows[0].n,
      before,
    );
  });
});
