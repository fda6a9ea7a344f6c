import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { offerTrip } from '../../src/modules/trips/index.js';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { startFakeOsrm, type FakeOsrm } from '../pricing/fake-osrm.js';
import { awayFrom, complete, noTimeWindows, setEconomy, spot, step, type Point } from '../pricing/rides.js';
import { sql } from '../payments/support.js';
import { ack, next } from '../realtime/support.js';

// The router says 10 km / 20 min for every leg: economy is 55.00 EGP a leg-free ride (base 10 + 35 + 10),
// and each stop adds one leg (35 + 10 EGP): one stop 100.00 EGP, two stops 145.00 EGP.
const DIRECT = 5_500;
const ONE_STOP = 10_000;
const TWO_STOPS = 14_500;
const PER_MIN = 50;

type Line = { code: string; label: string; amount: number };
const sum = (items: Line[]) => items.reduce((s, i) => s + i.amount, 0);
const stopNear = (p: Point, k = 1): Point => ({ lat: p.lat + 0.01 * k, lng: p.lng + 0.03 });

describe('multi-stop rides (issue 16 point 7)', () => {
  let t: TestApp;
  let osrm: FakeOsrm;

  before(async () => {
    osrm = await startFakeOsrm({ distance: 10_000, duration: 1_200 });
    t = await startTestApp('multi_stop', { ROUTE_PROVIDER_URL: osrm.url });
    const admin = await t.admin();
    await noTimeWindows(t, admin);
    await setEconomy(t, admin, { baseFare: 1000, perKm: 350, perMin: PER_MIN, minFare: 1500, commissionBps: 1500 });
  });
  after(async () => {
    await t.close();
    await osrm.close();
  });

  const post = (user: TestUser, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    t.api('POST', path, { token: user.accessToken, body, headers });
  const getTrip = async (user: TestUser, id: string) =>
    (await t.api('GET', `/api/v1/trips/${id}`, { token: user.accessToken })).body.data;

  /** Requests a cash economy trip with these stops and drives it to `started`. */
  async function startedWithStops(who: { rider: TestUser; driver: TestUser }, pickup: Point, extra: object = {}) {
    const body = { pickup, dropoff: awayFrom(pickup), vehicleClass: 'economy', paymentMethod: 'cash', ...extra };
    const created = await post(who.rider, '/api/v1/trips', body);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const tripId = created.body.data.id as string;
    const expiresAt = new Date(Date.now() + 60_000);
    await offerTrip(t.platform.database.db, { tripId, driverIds: [who.driver.id], round: 1, expiresAt });
    await step(t, who.driver, tripId, 'driver-response', { action: 'accept' });
    await step(t, who.driver, tripId, 'status', { status: 'arrived' });
    const otp = (await getTrip(who.rider, tripId)).otp;
    await step(t, who.driver, tripId, 'status', { status: 'started', otp });
    return { tripId, created: created.body.data };
  }

  /** What the driver actually drove and for how long (the location flush's row, the start time). */
  async function rode(tripId: string, distanceM: number, minutes: number) {
    await sql(t, 'INSERT INTO $schema.trip_routes (trip_id, distance_m) VALUES ($1, $2)', [tripId, distanceM]);
    await sql(t, `UPDATE $schema.trips SET started_at = now() - $2 * interval '1 minute' WHERE id = $1`, [
      tripId,
      minutes,
    ]);
  }

  const receipt = async (user: TestUser, tripId: string, language = 'en') => {
    const res = await t.api('GET', `/api/v1/trips/${tripId}/receipt`, {
      token: user.accessToken,
      headers: { 'accept-language': language },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.data as { quoted: number; total: number; reason: string | null; items: Line[] };
  };

  test('a quote with stops prices pickup → stops → dropoff, the trip keeps it and the receipt charges it', async () => {
    const [rider, driver] = [await t.signup('rider'), await t.driver()];
    const pickup = spot(1);
    const stops = [stopNear(pickup, 1), stopNear(pickup, 2)];
    const estimate = async (extra: object) => {
      const body = { pickup, dropoff: awayFrom(pickup), vehicleClass: 'economy', ...extra };
      const res = await post(rider, '/api/v1/pricing/estimate', body);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.data.quotes[0] as { amount: number; quoteId: string; distanceM: number; items: Line[] };
    };
    const direct = await estimate({});
    const viaOne = await estimate({ stops: stops.slice(0, 1) });
    const viaTwo = await estimate({ stops });
    assert.deepEqual([direct.amount, viaOne.amount, viaTwo.amount], [DIRECT, ONE_STOP, TWO_STOPS]);
    assert.deepEqual([direct.distanceM, viaTwo.distanceM], [10_000, 30_000]);
    assert.equal(sum(viaTwo.items), TWO_STOPS);

    // The quote bought that route: dropping its stops is another price.
    const body = { pickup, dropoff: awayFrom(pickup), vehicleClass: 'economy', paymentMethod: 'cash' };
    const without = await post(rider, '/api/v1/trips', { ...body, quoteId: viaTwo.quoteId });
    assert.equal(without.status, 409, JSON.stringify(without.body));
    assert.equal(without.body.error.details.reason, 'stops_changed');

    const { tripId, created } = await startedWithStops({ rider, driver }, pickup, { stops, quoteId: viaTwo.quoteId });
    assert.equal(created.fare.amount, TWO_STOPS);
    assert.deepEqual(
      created.stops.map((s: Point) => [s.lat, s.lng]),
      stops.map((s) => [s.lat, s.lng]),
    );
    await rode(tripId, 30_500, 62);
    await complete(t, driver, tripId);
    const r = await receipt(rider, tripId);
    assert.deepEqual([r.quoted, r.total, r.reason], [TWO_STOPS, TWO_STOPS, null]);
  });

  test('adding a stop shows the new price first, changes nothing until the rider confirms, then the driver hears it', async () => {
    const [rider, driver] = [await t.signup('rider'), await t.driver()];
    const pickup = spot(2);
    const { tripId } = await startedWithStops({ rider, driver }, pickup);
    const before = await getTrip(rider, tripId);
    assert.equal(before.fare.amount, DIRECT);

    const stops = [{ ...stopNear(pickup), address: 'Pharmacy' }];
    const preview = await post(rider, `/api/v1/trips/${tripId}/stops`, { stops });
    assert.equal(preview.status, 200, JSON.stringify(preview.body));
    assert.equal(preview.body.data.applied, false);
    assert.equal(preview.body.data.preview.amount, ONE_STOP);
    assert.equal(sum(preview.body.data.preview.items), ONE_STOP, 'the preview lines add up to its price');
    assert.equal(preview.body.data.preview.items[0].label, 'Base fare');
    const unchanged = await getTrip(rider, tripId);
    assert.deepEqual([unchanged.version, unchanged.fare.amount, unchanged.stops], [before.version, DIRECT, undefined]);

    const driverSocket = await t.connectSocket(driver.accessToken);
    await ack(driverSocket, 'trip:subscribe', { tripId });
    const heard = next(driverSocket, 'trip:stops_changed');
    const confirmed = await post(rider, `/api/v1/trips/${tripId}/stops`, { stops, confirm: true });
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
    assert.equal(confirmed.body.data.applied, true);
    const event = await heard;
    assert.deepEqual([event.tripId, event.stops, event.version], [tripId, stops, confirmed.body.data.trip.version]);
    driverSocket.disconnect();
    const after = await getTrip(driver, tripId);
    assert.equal(after.fare.amount, ONE_STOP);
    assert.deepEqual(after.stops, [{ ...stopNear(pickup), address: 'Pharmacy' }]);

    // The ride went as the new route says: re-priced with the trip's tariff version, reason stop_added.
    await rode(tripId, 20_000, 40);
    await complete(t, driver, tripId);
    const r = await receipt(rider, tripId);
    assert.deepEqual([r.quoted, r.total, r.reason], [DIRECT, ONE_STOP, 'stop_added']);
  });

  test('a confirm raced by twenty copies applies the stops once', async () => {
    const [rider, driver] = [await t.signup('rider'), await t.driver()];
    const pickup = spot(3);
    const { tripId } = await startedWithStops({ rider, driver }, pickup);
    const version = (await getTrip(rider, tripId)).version;
    const stops = [stopNear(pickup)];
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => post(rider, `/api/v1/trips/${tripId}/stops`, { stops, confirm: true })),
    );
    const statuses = answers.map((a) => a.status);
    assert.ok(
      statuses.every((s) => s === 200 || s === 409),
      JSON.stringify(statuses),
    );
    assert.ok(statuses.includes(200));
    const [{ events }] = await sql(
      t,
      `SELECT count(*)::int AS events FROM $schema.events WHERE aggregate_id = $1 AND type = 'trip.stops_changed'`,
      [tripId],
    );
    assert.equal(events, 1, 'one change recorded');
    assert.equal((await getTrip(rider, tripId)).version, version + 1);
  });

  test('waiting at a stop is free for 3 minutes, then every started minute is a stop_waiting line', async () => {
    const [rider, driver] = [await t.signup('rider'), await t.driver()];
    const pickup = spot(4);
    const stops = [stopNear(pickup)];
    const { tripId } = await startedWithStops({ rider, driver }, pickup, { stops });
    const mark = (user: TestUser, what: string, index = 0) =>
      post(user, `/api/v1/trips/${tripId}/stops/${index}/${what}`);

    assert.equal((await mark(driver, 'left')).status, 409, 'leaving before arriving');
    assert.equal((await mark(rider, 'arrived')).status, 403, 'the rider does not mark stops');
    assert.equal((await mark(driver, 'arrived', 1)).status, 400, 'there is no second stop');
    const arrived = await mark(driver, 'arrived');
    assert.equal(arrived.status, 200, JSON.stringify(arrived.body));
    const again = await mark(driver, 'arrived');
    assert.equal(again.body.data.stops[0].arrivedAt, arrived.body.data.stops[0].arrivedAt, 'the first mark wins');
    assert.equal((await mark(driver, 'left')).status, 200);

    // The driver waited 7.5 minutes: 3 free, then 5 started minutes at the tariff's per-minute rate.
    await sql(
      t,
      `UPDATE $schema.trips SET stops = jsonb_set(stops, '{0,arrivedAt}',
         to_jsonb((((stops->0->>'leftAt')::timestamptz) - interval '450 seconds')::text)) WHERE id = $1`,
      [tripId],
    );
    await rode(tripId, 20_000, 50);
    await complete(t, driver, tripId);
    const r = await receipt(rider, tripId);
    const waiting = r.items.find((i) => i.code === 'stop_waiting');
    assert.deepEqual(waiting, { code: 'stop_waiting', label: 'Waiting at stops', amount: 5 * PER_MIN });
    assert.equal(r.total, ONE_STOP + 5 * PER_MIN);
    assert.equal(sum(r.items), r.total);
    const ar = await receipt(rider, tripId, 'ar');
    assert.equal(ar.items.find((i) => i.code === 'stop_waiting')?.label, 'الانتظار عند التوقفات');
  });

  test('twenty simultaneous arrival marks at a stop record one arrival time', async () => {
    const [rider, driver] = [await t.signup('rider'), await t.driver()];
    const pickup = spot(6);
    const { tripId } = await startedWithStops({ rider, driver }, pickup, { stops: [stopNear(pickup)] });
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => post(driver, `/api/v1/trips/${tripId}/stops/0/arrived`)),
    );
    const statuses = answers.map((a) => a.status);
    assert.ok(
      statuses.every((s) => s === 200 || s === 409),
      JSON.stringify(statuses),
    );
    const arrivals = new Set(answers.filter((a) => a.status === 200).map((a) => a.body.data.stops[0].arrivedAt));
    assert.equal(arrivals.size, 1, 'every successful answer shows the same arrival');
    const [{ marks }] = await sql(
      t,
      `SELECT count(*)::int AS marks FROM $schema.events WHERE aggregate_id = $1 AND type = 'trip.stop_marked'`,
      [tripId],
    );
    assert.equal(marks, 1);
  });

  test('bad stops and the wrong person are refused with a 4xx and nothing is written', async () => {
    const [rider, driver] = [await t.signup('rider'), await t.driver()];
    const pickup = spot(5);
    const base = { pickup, dropoff: awayFrom(pickup), vehicleClass: 'economy', paymentMethod: 'cash' };
    const far = { lat: pickup.lat + 4.5, lng: pickup.lng }; // ~500 km north
    const four = [1, 2, 3, 4].map((k) => stopNear(pickup, k));
    for (const stops of [[{ lat: 0, lng: 0 }], [far], four, [{ lat: 91, lng: 0 }]]) {
      const res = await post(rider, '/api/v1/trips', { ...base, stops });
      assert.equal(res.status, 400, JSON.stringify(res.body));
      const quote = await post(rider, '/api/v1/pricing/estimate', { ...base, stops });
      assert.equal(quote.status, 400, JSON.stringify(quote.body));
    }
    const [{ trips }] = await sql(t, 'SELECT count(*)::int AS trips FROM $schema.trips WHERE rider_id = $1', [
      rider.id,
    ]);
    assert.equal(trips, 0, 'no trip was created');

    const { tripId } = await startedWithStops({ rider, driver }, pickup);
    const before = await getTrip(rider, tripId);
    const stranger = await t.signup('rider');
    const attempts = [
      { user: rider, body: { stops: [{ lat: 0, lng: 0 }], confirm: true }, status: 400 },
      { user: rider, body: { stops: [far], confirm: true }, status: 400 },
      { user: rider, body: { stops: four, confirm: true }, status: 400 },
      { user: rider, body: { stops: [], confirm: true }, status: 400 },
      { user: driver, body: { stops: [stopNear(pickup)], confirm: true }, status: 403 },
      { user: stranger, body: { stops: [stopNear(pickup)], confirm: true }, status: 404 },
    ];
    for (const a of attempts) {
      const res = await post(a.user, `/api/v1/trips/${tripId}/stops`, a.body);
      assert.equal(res.status, a.status, JSON.stringify(res.body));
    }
    const after = await getTrip(rider, tripId);
    assert.deepEqual([after.version, after.fare.amount, after.stops], [before.version, before.fare.amount, undefined]);

    await rode(tripId, 10_000, 20);
    await complete(t, driver, tripId);
    const late = await post(rider, `/api/v1/trips/${tripId}/stops`, { stops: [stopNear(pickup)] });
    assert.equal(late.status, 409, 'a finished ride takes no stops');
  });
});
