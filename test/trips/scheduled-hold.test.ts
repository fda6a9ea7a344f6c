/** Issue 16 point 6: a scheduled trip is reserved, confirmed before pickup, or handed to a backup driver. */
import { describe, test, before, after } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { TRIP_BODY, eventually, offer, query, requestTrip, tally } from '../support/fixtures.js';

// Pickup just past the 15-minute minimum; a confirm lead that puts the deadline a few seconds away, so the window
// (from twice the lead before pickup) is already open.
const AHEAD_MS = 905_000;
const CONFIRM_LEAD_MS = 897_000;

describe('book-later that holds', () => {
  let t: TestApp;
  before(async () => {
    // Offering starts at once even for trips hours ahead, so each test can reserve right away.
    t = await startTestApp('scheduled_hold', {
      SCHEDULED_CONFIRM_LEAD_MS: String(CONFIRM_LEAD_MS),
      SCHEDULED_OFFER_LEAD_MS: String(24 * 3_600_000),
    });
    await t.platform.jobs.start(); // dispatch rounds and the confirmation deadline are jobs
  });
  after(async () => t.close());

  const tripRow = async (tripId: string) =>
    (
      await query<{ status: string; driver_id: string | null; confirmed_at: Date | null }>(
        t,
        'SELECT status, driver_id, confirmed_at FROM $schema.trips WHERE id = $1',
        [tripId],
      )
    )[0]!;
  const notified = async (userId: string) =>
    (
      await query<{ template: string }>(t, 'SELECT template FROM $schema.notifications WHERE user_id = $1', [userId])
    ).map((r) => r.template);
  const driverState = async (driver: TestUser) =>
    (await query<{ state: string }>(t, 'SELECT state FROM $schema.driver_profiles WHERE user_id = $1', [driver.id]))[0]!
      .state;

  /** A scheduled trip whose dispatch has started (status searching), offered to `drivers`. */
  async function searchingScheduledTrip(rider: TestUser, drivers: TestUser[], aheadMs = AHEAD_MS) {
    const scheduledAt = new Date(Date.now() + aheadMs).toISOString();
    const trip = await requestTrip(t, rider, { ...TRIP_BODY, scheduledAt });
    assert.equal(trip.status, 'scheduled');
    await eventually(async () => (await tripRow(trip.id)).status === 'searching');
    await offer(
      t,
      trip.id,
      drivers.map((d) => d.id),
    );
    return trip;
  }
  const accept = (driver: TestUser, tripId: string) =>
    t.api('POST', `/api/v1/trips/${tripId}/driver-response`, { token: driver.accessToken, body: { action: 'accept' } });
  const confirm = (user: TestUser, tripId: string) =>
    t.api('POST', `/api/v1/trips/${tripId}/confirm`, { token: user.accessToken });

  test('the accepting driver reserves, confirms before pickup, and the rider is told at each step', async () => {
    const rider = await t.signup('rider');
    const socket = await t.connectSocket(rider.accessToken);
    const steps: string[] = [];
    socket.on('trip:schedule_update', (p: { step: string }) => steps.push(p.step));
    const driver = await t.driver();
    const trip = await searchingScheduledTrip(rider, [driver]);

    const reserved = await accept(driver, trip.id);
    assert.equal(reserved.status, 200, JSON.stringify(reserved.body));
    assert.equal(reserved.body.data.status, 'scheduled', 'reserved, not yet on the way');
    assert.equal(reserved.body.data.driverId, driver.id);
    assert.equal(reserved.body.data.confirmedAt, null);
    assert.equal(await driverState(driver), 'available', 'free for other work until they confirm');

    const confirmed = await confirm(driver, trip.id);
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
    assert.equal(confirmed.body.data.status, 'accepted');
    assert.ok(confirmed.body.data.confirmedAt);
    assert.equal(await driverState(driver), 'busy');
    assert.equal((await confirm(driver, trip.id)).status, 200, 'a repeated confirm changes nothing');

    await eventually(async () => steps.includes('driver_reserved') && steps.includes('driver_confirmed'));
    const templates = await notified(rider.id);
    assert.ok(
      templates.includes('trip.driver_reserved') && templates.includes('trip.driver_confirmed'),
      `${templates}`,
    );
    // The confirmation deadline passes: a confirmed trip stays with its driver.
    const deadline = Date.parse(confirmed.body.data.scheduledAt) - CONFIRM_LEAD_MS;
    await sleep(Math.max(0, deadline - Date.now()) + 1_500);
    const row = await tripRow(trip.id);
    assert.equal(row.status, 'accepted');
    assert.equal(row.driver_id, driver.id);
  });

  test('no confirmation by the deadline: the backup search starts at once without that driver', async () => {
    const rider = await t.signup('rider');
    const socket = await t.connectSocket(rider.accessToken);
    const steps: string[] = [];
    socket.on('trip:schedule_update', (p: { step: string }) => steps.push(p.step));
    const driver = await t.driver();
    const trip = await searchingScheduledTrip(rider, [driver]);
    assert.equal((await accept(driver, trip.id)).status, 200);

    await eventually(async () => {
      const row = await tripRow(trip.id);
      return row.status === 'searching' && row.driver_id === null;
    }, 30_000);
    await eventually(async () => steps.includes('backup_search'));
    assert.ok((await notified(rider.id)).includes('trip.backup_search'));
    assert.ok((await notified(driver.id)).includes('trip.confirm_requested'), 'the driver was asked to confirm');
    const late = await confirm(driver, trip.id);
    assert.equal(late.status, 404, 'no longer their trip');
    const offers = await query<{ status: string }>(
      t,
      'SELECT status FROM $schema.trip_offers WHERE trip_id = $1 AND driver_id = $2',
      [trip.id, driver.id],
    );
    assert.deepEqual(offers, [{ status: 'accepted' }], 'kept out of the backup search');
  });

  test('two overlapping scheduled trips of one driver: of many accepted at once, exactly one holds', async () => {
    const driver = await t.driver();
    const riders = await Promise.all(Array.from({ length: 6 }, () => t.signup('rider')));
    const trips = [];
    for (const [i, rider] of riders.entries())
      trips.push(await searchingScheduledTrip(rider, [driver], AHEAD_MS + 3_600_000 + i * 1_000));
    const answers = await Promise.all(trips.map((trip) => accept(driver, trip.id)));
    assert.deepEqual(tally(answers), { 200: 1, 409: 5 });
    const held = await query(t, "SELECT id FROM $schema.trips WHERE driver_id = $1 AND status = 'scheduled'", [
      driver.id,
    ]);
    assert.equal(held.length, 1);

    // Two hours later does not overlap the one-hour hold.
    const later = await searchingScheduledTrip(await t.signup('rider'), [driver], AHEAD_MS + 3 * 3_600_000);
    assert.equal((await accept(driver, later.id)).status, 200);
  });

  test('bad input: a malformed id 400, the rider 403, another driver 404, nothing written', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const other = await t.driver();
    const trip = await searchingScheduledTrip(rider, [driver], AHEAD_MS + 5 * 3_600_000);
    assert.equal((await accept(driver, trip.id)).status, 200);
    assert.equal((await confirm(driver, '123')).status, 400);
    assert.equal((await confirm(rider, trip.id)).status, 403);
    assert.equal((await confirm(other, trip.id)).status, 404);
    const early = await confirm(driver, trip.id);
    assert.equal(early.status, 409, 'the window opens twice the lead before pickup');
    const row = await tripRow(trip.id);
    assert.equal(row.status, 'scheduled');
    assert.equal(row.confirmed_at, null);
  });
});
