/** Issue 16 point 4: a driver who drops an accepted trip is replaced on the same trip, never offered it again. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { CAIRO_PICKUP, acceptedTrip, eventually, query, requestTrip, tally } from '../support/fixtures.js';
import { reportPosition } from '../dispatch/support.js';

const SILENCE_MS = 4_000; // above the location module's 2 s coalescing of fixes
const START_DEADLINE_MS = 9_000;

describe('reassignment', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('reassign', {
      REASSIGN_SILENCE_MS: String(SILENCE_MS),
      SAFETY_START_DEADLINE_MS: String(START_DEADLINE_MS),
      DISPATCH_TIME_SCALE: '0.2',
    });
    await t.platform.jobs.start(); // the watches are jobs
  });
  after(async () => t.close());

  const tripRow = async (tripId: string) =>
    (
      await query<{
        status: string;
        driver_id: string | null;
        created_at: Date;
        fare_amount: string;
        reassignments: number;
      }>(t, 'SELECT status, driver_id, created_at, fare_amount, reassignments FROM $schema.trips WHERE id = $1', [
        tripId,
      ])
    )[0]!;
  const offersOf = (tripId: string, driverId: string) =>
    query<{ status: string }>(t, 'SELECT status FROM $schema.trip_offers WHERE trip_id = $1 AND driver_id = $2', [
      tripId,
      driverId,
    ]);
  const reassignEvents = (tripId: string) =>
    query<{ payload: { reason: string; droppedDriverId: string } }>(
      t,
      "SELECT payload FROM $schema.events WHERE aggregate_id = $1 AND type = 'trip.reassigning' ORDER BY seq",
      [tripId],
    );
  const driverState = async (driver: TestUser) =>
    (await query<{ state: string }>(t, 'SELECT state FROM $schema.driver_profiles WHERE user_id = $1', [driver.id]))[0]!
      .state;
  const answer = (driver: TestUser, tripId: string, action: 'accept' | 'decline' = 'accept') =>
    t.api('POST', `/api/v1/trips/${tripId}/driver-response`, { token: driver.accessToken, body: { action } });
  const setStatus = (driver: TestUser, tripId: string, body: object) =>
    t.api('POST', `/api/v1/trips/${tripId}/status`, { token: driver.accessToken, body });
  const offeredTo = (driver: TestUser, tripId: string) =>
    eventually(async () => (await offersOf(tripId, driver.id)).some((o) => o.status === 'pending'));
  /** A driver app on the way: a fix every 300 ms until stopped. */
  const keepReporting = (driver: TestUser) => {
    let on = true;
    void (async () => {
      while (on) {
        await reportPosition(t, driver, CAIRO_PICKUP);
        await sleep(300);
      }
    })();
    return () => {
      on = false;
    };
  };

  test('a vanished driver is replaced and the trip is completed by another driver', async () => {
    const rider = await t.signup('rider');
    const socket = await t.connectSocket(rider.accessToken);
    const heard: Array<{ tripId: string; reason: string }> = [];
    socket.on('trip:reassigning', (p) => heard.push(p));
    const riderSaw: string[] = [];
    socket.on('trip:status_changed', (p: { to: string }) => riderSaw.push(p.to));
    const vanishing = await t.driver();
    const vanishingSocket = await t.connectSocket(vanishing.accessToken);
    const vanishingSaw: string[] = [];
    vanishingSocket.on('trip:status_changed', (p: { to: string }) => vanishingSaw.push(p.to));
    await reportPosition(t, vanishing, CAIRO_PICKUP);
    const trip = await requestTrip(t, rider);
    const before = await tripRow(trip.id);
    await offeredTo(vanishing, trip.id);
    assert.equal((await answer(vanishing, trip.id)).status, 200);

    // The replacement comes online nearby and keeps reporting; the first driver never sends another fix.
    const replacement = await t.driver();
    const stop = keepReporting(replacement);
    try {
      await offeredTo(replacement, trip.id);
      assert.equal((await tripRow(trip.id)).status, 'searching', 'back to searching, same trip row');
      assert.equal((await answer(replacement, trip.id)).status, 200);
      assert.equal((await setStatus(replacement, trip.id, { status: 'arrived' })).status, 200);
    } finally {
      stop();
    }
    const otp = (await t.api('GET', `/api/v1/trips/${trip.id}`, { token: rider.accessToken })).body.data.otp;
    assert.equal((await setStatus(replacement, trip.id, { status: 'started', otp })).status, 200);
    const done = await setStatus(replacement, trip.id, { status: 'completed' });
    assert.equal(done.status, 200, JSON.stringify(done.body));

    const after = await tripRow(trip.id);
    assert.equal(after.status, 'completed');
    assert.equal(after.driver_id, replacement.id);
    assert.equal(after.created_at.getTime(), before.created_at.getTime(), 'original request time');
    assert.equal(after.fare_amount, before.fare_amount, 'same fare, priced once');
    assert.equal(after.reassignments, 1);
    const riderTrips = await query(t, 'SELECT id FROM $schema.trips WHERE rider_id = $1', [rider.id]);
    assert.equal(riderTrips.length, 1, 'no second trip');
    assert.deepEqual(
      (await reassignEvents(trip.id)).map((e) => e.payload.reason),
      ['driver_silent'],
    );
    assert.deepEqual(await offersOf(trip.id, vanishing.id), [{ status: 'accepted' }], 'never offered it again');
    assert.equal(await driverState(vanishing), 'offline', 'the silent driver gets no more offers');
    const theirs = await t.api('GET', '/api/v1/me/active-trip', { token: vanishing.accessToken });
    assert.equal(theirs.status, 204, 'the dropped driver holds no trip');
    await eventually(async () => heard.some((h) => h.tripId === trip.id && h.reason === 'driver_silent'));
    // Both sockets were in the trip room; once the rider has heard the end, the dropped driver heard none of the
    // replacement's trip (they learn they lost it from GET /me/active-trip: 204).
    await eventually(async () => riderSaw.includes('completed'));
    for (const later of ['arrived', 'started', 'completed'])
      assert.ok(!vanishingSaw.includes(later), `the dropped driver is out of the trip room: ${vanishingSaw}`);
  });

  test('an accepted trip whose driver never arrives is reassigned at the start deadline', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const stop = keepReporting(driver); // alive and sending fixes, just never arriving
    try {
      const trip = await acceptedTrip(t, rider, driver);
      await eventually(async () => (await tripRow(trip.id)).status === 'searching', START_DEADLINE_MS + 10_000);
      assert.deepEqual(
        (await reassignEvents(trip.id)).map((e) => e.payload.reason),
        ['start_deadline'],
      );
    } finally {
      stop();
    }
  });
});

describe('reassignment when the driver cancels or goes offline', () => {
  let t: TestApp;
  before(async () => {
    // Default silence (3 min): these drivers send no positions and must not be replaced for that meanwhile.
    t = await startTestApp('reassign_cancel');
  });
  after(async () => t.close());

  const tripRow = async (tripId: string) =>
    (
      await query<{
        status: string;
        driver_id: string | null;
        created_at: Date;
        fare_amount: string;
        reassignments: number;
      }>(t, 'SELECT status, driver_id, created_at, fare_amount, reassignments FROM $schema.trips WHERE id = $1', [
        tripId,
      ])
    )[0]!;
  const reassignEvents = (tripId: string) =>
    query<{ payload: { reason: string; droppedDriverId: string } }>(
      t,
      "SELECT payload FROM $schema.events WHERE aggregate_id = $1 AND type = 'trip.reassigning' ORDER BY seq",
      [tripId],
    );
  const driverState = async (driver: TestUser) =>
    (await query<{ state: string }>(t, 'SELECT state FROM $schema.driver_profiles WHERE user_id = $1', [driver.id]))[0]!
      .state;
  test('a driver who cancels hands the trip back: it searches again without them, many cancels count once', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const trip = await acceptedTrip(t, rider, driver);
    const cancels = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.api('POST', `/api/v1/trips/${trip.id}/cancel`, { token: driver.accessToken, body: { reason: 'flat tyre' } }),
      ),
    );
    const counts = tally(cancels);
    assert.equal(counts[200], 1, JSON.stringify(counts));
    assert.equal((counts[200] ?? 0) + (counts[404] ?? 0) + (counts[409] ?? 0), 20, JSON.stringify(counts));
    const row = await tripRow(trip.id);
    assert.equal(row.status, 'searching');
    assert.equal(row.driver_id, null);
    assert.equal((await reassignEvents(trip.id)).length, 1, 'one reassignment');
    assert.equal(await driverState(driver), 'available', 'a driver who cancels may work again');
    const feeRows = await query(
      t,
      'SELECT cancellation FROM $schema.trips WHERE id = $1 AND cancellation IS NOT NULL',
      [trip.id],
    );
    assert.equal(feeRows.length, 0, 'the rider is not charged or cancelled');
    const again = await t.api('POST', `/api/v1/trips/${trip.id}/driver-response`, {
      token: driver.accessToken,
      body: { action: 'accept' },
    });
    assert.equal(again.status, 409, 'the dropped driver cannot take it back');
  });

  test('a driver going offline before pickup loses the trip; a started ride keeps them', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const trip = await acceptedTrip(t, rider, driver);
    const off = await t.api('POST', '/api/v1/drivers/me/availability', {
      token: driver.accessToken,
      body: { available: false },
    });
    assert.equal(off.status, 200);
    assert.equal(off.body.data.state, 'offline');
    assert.equal((await tripRow(trip.id)).status, 'searching');
    assert.deepEqual(
      (await reassignEvents(trip.id)).map((e) => e.payload.reason),
      ['driver_offline'],
    );
    assert.equal((await t.api('GET', `/api/v1/trips/${trip.id}`, { token: driver.accessToken })).status, 404);
  });

  test('bad input: a malformed trip id is 400, a stranger 404, a rider cannot confirm; nothing written', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const stranger = await t.driver();
    const trip = await acceptedTrip(t, rider, driver);
    const bad = await t.api('POST', '/api/v1/trips/not-a-uuid/cancel', {
      token: driver.accessToken,
      body: { reason: 'x' },
    });
    assert.equal(bad.status, 400);
    const noReason = await t.api('POST', `/api/v1/trips/${trip.id}/cancel`, { token: driver.accessToken, body: {} });
    assert.equal(noReason.status, 400);
    const byStranger = await t.api('POST', `/api/v1/trips/${trip.id}/cancel`, {
      token: stranger.accessToken,
      body: { reason: 'x' },
    });
    assert.equal(byStranger.status, 404);
    assert.equal((await tripRow(trip.id)).status, 'accepted');
    assert.equal((await reassignEvents(trip.id)).length, 0);
  });
});
