/** Driver profile, approval and availability as a driver and an admin see them. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { OWN_OFFERS, offer, query, requestTrip } from '../support/fixtures.js';

const vehicle = { make: 'Hyundai', model: 'Elantra', plate: 'س ص ع 1234', color: 'silver' };

describe('drivers', () => {
  let t: TestApp;
  let admin: TestUser;
  before(async () => {
    t = await startTestApp('drivers', { ...OWN_OFFERS, DB_POOL_MAX: '5' });
    admin = await t.admin();
  });
  after(async () => t.close());

  const profile = (driver: TestUser, body: object) =>
    t.api('POST', '/api/v1/drivers/me/profile', { token: driver.accessToken, body });
  const availability = (driver: TestUser, available: boolean) =>
    t.api('POST', '/api/v1/drivers/me/availability', { token: driver.accessToken, body: { available } });
  const approve = (id: string, token = admin.accessToken) =>
    t.api('POST', `/api/v1/admin/drivers/${id}/approve`, { token });

  test('a new profile is unapproved and cannot go online (403) until an admin approves it', async () => {
    const driver = await t.signup('driver');
    assert.equal((await availability(driver, true)).status, 404, 'no profile yet');
    const created = await profile(driver, { vehicleClass: 'comfort', vehicle });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.data, {
      userId: driver.id,
      vehicleClass: 'comfort',
      vehicle,
      approved: false,
      state: 'offline',
      rating: 5,
      acceptanceRate: 0.8,
      suspended: false,
      rejectionReason: null,
      rejectedAt: null,
    });

    const early = await availability(driver, true);
    assert.equal(early.status, 403);
    assert.equal(early.body.error.code, 'FORBIDDEN');

    const rider = await t.signup('rider');
    assert.equal((await approve(driver.id, rider.accessToken)).status, 403, 'only admins approve');
    assert.equal((await approve(rider.id)).status, 404, 'a rider is not a driver');
    const approved = await approve(driver.id);
    assert.equal(approved.status, 200);
    assert.equal(approved.body.data.approved, true);

    const online = await availability(driver, true);
    assert.deepEqual(online.body.data, { state: 'available' });
    assert.deepEqual((await availability(driver, true)).body.data, { state: 'available' }, 'repeating is harmless');
    assert.deepEqual((await availability(driver, false)).body.data, { state: 'offline' });
  });

  test('changing the vehicle needs approval again; re-sending the same vehicle keeps it', async () => {
    const driver = await t.driver({ vehicleClass: 'economy' });
    const current = (
      await query<{ vehicle: object; vehicle_class: string }>(
        t,
        'SELECT vehicle, vehicle_class FROM $schema.driver_profiles WHERE user_id = $1',
        [driver.id],
      )
    )[0]!;
    const same = await profile(driver, { vehicleClass: current.vehicle_class, vehicle: current.vehicle });
    assert.equal(same.body.data.approved, true);
    const changed = await profile(driver, { vehicleClass: 'premium', vehicle });
    assert.equal(changed.status, 201);
    assert.equal(changed.body.data.approved, false);
    assert.equal((await availability(driver, false)).status, 200);
    assert.equal((await availability(driver, true)).status, 403);
  });

  test('riders cannot create driver profiles or toggle availability', async () => {
    const rider = await t.signup('rider');
    assert.equal((await profile(rider, { vehicleClass: 'economy', vehicle })).status, 403);
    assert.equal((await availability(rider, true)).status, 403);
    assert.deepEqual(await query(t, 'SELECT user_id FROM $schema.driver_profiles WHERE user_id = $1', [rider.id]), []);
  });

  test("going offline withdraws the driver's pending offers; accepting one afterwards is 409", async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const trip = await requestTrip(t, rider);
    await offer(t, trip.id, [driver.id]);
    assert.deepEqual((await availability(driver, false)).body.data, { state: 'offline' });
    const offers = await query<{ status: string }>(t, 'SELECT status FROM $schema.trip_offers WHERE trip_id = $1', [
      trip.id,
    ]);
    assert.deepEqual(
      offers.map((o) => o.status),
      ['withdrawn'],
    );
    const late = await t.api('POST', `/api/v1/trips/${trip.id}/driver-response`, {
      token: driver.accessToken,
      body: { action: 'accept' },
    });
    assert.equal(late.status, 409);
  });

  test('going offline before pickup hands the trip back (issue 16); on a started ride the driver stays busy', async () => {
    const accept = (driver: TestUser, tripId: string) =>
      t.api('POST', `/api/v1/trips/${tripId}/driver-response`, {
        token: driver.accessToken,
        body: { action: 'accept' },
      });
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const trip = await requestTrip(t, rider);
    await offer(t, trip.id, [driver.id]);
    assert.equal((await accept(driver, trip.id)).status, 200);
    const res = await availability(driver, false);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.data, { state: 'offline' });
    const [row] = await query<{ status: string }>(t, 'SELECT status FROM $schema.trips WHERE id = $1', [trip.id]);
    assert.equal(row!.status, 'searching', 'the trip searches again without them');

    const onboard = await t.driver();
    await offer(t, trip.id, [onboard.id]);
    assert.equal((await accept(onboard, trip.id)).status, 200);
    const step = (body: object) =>
      t.api('POST', `/api/v1/trips/${trip.id}/status`, { token: onboard.accessToken, body });
    assert.equal((await step({ status: 'arrived' })).status, 200);
    const otp = (await t.api('GET', `/api/v1/trips/${trip.id}`, { token: rider.accessToken })).body.data.otp;
    assert.equal((await step({ status: 'started', otp })).status, 200);
    const started = await availability(onboard, false);
    assert.equal(started.status, 200);
    assert.deepEqual(started.body.data, { state: 'busy' }, 'a started ride is not abandoned');
  });
});
