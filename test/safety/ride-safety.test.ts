import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { eventually } from '../notifications/fakes.js';
import { RecordingEmitter } from '../notifications/recorder.js';
import { OWN_OFFERS, acceptedTrip, rows, startedTrip } from './trips.js';

const START_DEADLINE_MS = 3_000;
const ON_ROUTE = { lat: 30.05, lng: 31.2405 }; // between pickup and drop-off
const OFF_ROUTE = { lat: 30.0535, lng: 31.2627 }; // ≈ 1.9 km east of the corridor

describe('ride safety checks from the location stream', () => {
  let t: TestApp;
  let sockets: RecordingEmitter;

  before(async () => {
    // Long enough for accept → arrived → started on a loaded box: the trip's notice jobs keep the worker awake, so
    // the start check runs on time rather than at the next 2 s poll.
    t = await startTestApp('ride_safety', { ...OWN_OFFERS, SAFETY_START_DEADLINE_MS: String(START_DEADLINE_MS) });
    sockets = new RecordingEmitter();
    t.platform.realtime.attach(sockets);
    await t.platform.jobs.start();
  });
  after(async () => t.close());

  const batch = (driver: TestUser, points: Array<Record<string, unknown>>) =>
    t.api('POST', '/api/v1/location/batch-update', {
      token: driver.accessToken,
      body: { points: points.map((p) => ({ accuracy: 5, ...p })) },
    });
  const events = (tripId: string) =>
    rows<{ kind: string }>(
      t,
      'SELECT kind, details FROM $schema.safety_events WHERE trip_id = $1 ORDER BY created_at',
      [tripId],
    );

  async function ride() {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const trip = await startedTrip(t, rider, driver);
    return { rider, driver, trip };
  }

  test('stopped for more than 5 minutes mid-trip: one event, the rider and the admin room are told', async () => {
    const { rider, driver, trip } = await ride();
    const start = Date.now() - 6 * 60_000;
    const parked = Array.from({ length: 12 }, (_, i) => ({
      lat: ON_ROUTE.lat + (i % 2) * 0.00005,
      lng: ON_ROUTE.lng,
      speed: 0,
      timestamp: start + i * 30_000,
    }));
    const res = await batch(driver, parked);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.data.accepted, 12);
    await eventually(async () => (await events(trip.id)).length === 1);
    assert.deepEqual(
      (await events(trip.id)).map((e) => e.kind),
      ['stopped'],
    );
    const alert = await eventually(() => sockets.find('safety:alert', (p) => p.tripId === trip.id)[0]);
    assert.equal(alert.target, 'admin');
    assert.equal(alert.payload.kind, 'stopped');
    const inbox = await eventually(async () => {
      const r = await t.api('GET', '/api/v1/notifications', { token: rider.accessToken });
      return r.body.data.find((n: { template: string }) => n.template === 'safety.stopped');
    });
    assert.equal(inbox.data.tripId, trip.id);

    // Still parked a minute later: deduped within the window.
    await batch(driver, [{ ...ON_ROUTE, speed: 0, timestamp: Date.now() - 1_000 }]);
    await sleep(300);
    assert.equal((await events(trip.id)).length, 1);
  });

  test('more than 1 km off the pickup→dropoff corridor', async () => {
    const { driver, trip } = await ride();
    // ≈ 2 km in 39 s (≈ 190 km/h): fast, but not an impossible jump that GPS hygiene would drop.
    await batch(driver, [
      { ...ON_ROUTE, speed: 10, timestamp: Date.now() - 40_000 },
      { ...OFF_ROUTE, speed: 10, timestamp: Date.now() - 1_000 },
    ]);
    await eventually(async () => (await events(trip.id)).some((e) => e.kind === 'off_route'));
    assert.deepEqual(
      (await events(trip.id)).map((e) => e.kind),
      ['off_route'],
    );
  });

  test('over 120 km/h', async () => {
    const { driver, trip } = await ride();
    await batch(driver, [{ ...ON_ROUTE, speed: 40, timestamp: Date.now() - 1_000 }]); // 144 km/h
    await eventually(async () => (await events(trip.id)).some((e) => e.kind === 'speeding'));
  });

  test('accepted but not started within the deadline (a job scheduled at accept)', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const late = await acceptedTrip(t, rider, driver);
    await eventually(async () => (await events(late.id)).some((e) => e.kind === 'not_started'), 8_000);
    await eventually(
      () => sockets.find('safety:alert', (p) => p.tripId === late.id && p.kind === 'not_started').length === 1,
    );

    const { trip: onTime } = await ride(); // started right away
    await sleep(START_DEADLINE_MS + 1_000);
    assert.deepEqual(await events(onTime.id), []);
  });
});
