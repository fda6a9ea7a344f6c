import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { offerTrip } from '../../src/modules/trips/index.js';
import { OWN_OFFERS } from '../support/fixtures.js';

const CAIRO_PICKUP = { lat: 30.0444, lng: 31.2357 };
const CAIRO_DROPOFF = { lat: 30.0626, lng: 31.2497 };

describe('trip lifecycle', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('lifecycle', { ...OWN_OFFERS, DB_POOL_MAX: '5' });
  });
  after(async () => t.close());

  async function offer(tripId: string, driverIds: string[]) {
    await offerTrip(t.platform.database.db, { tripId, driverIds, round: 1, expiresAt: new Date(Date.now() + 60_000) });
  }

  test('rider requests, driver accepts, arrives, starts with OTP and completes', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const created = await t.api('POST', '/api/v1/trips', {
      token: rider.accessToken,
      body: { pickup: CAIRO_PICKUP, dropoff: CAIRO_DROPOFF, vehicleClass: 'economy', paymentMethod: 'cash' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const trip = created.body.data;
    assert.equal(trip.status, 'searching');
    assert.equal(trip.fare.currency, 'EGP');
    assert.equal(trip.fare.amount % 50, 0);
    assert.equal(trip.otp, undefined, 'no OTP before a driver accepts');

    await offer(trip.id, [driver.id]);
    const accepted = await t.api('POST', `/api/v1/trips/${trip.id}/driver-response`, {
      token: driver.accessToken,
      body: { action: 'accept' },
    });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    assert.equal(accepted.body.data.status, 'accepted');
    assert.equal(accepted.body.data.driverId, driver.id);
    assert.equal(accepted.body.data.otp, undefined, 'the driver never sees the OTP');

    const riderView = await t.api('GET', `/api/v1/trips/${trip.id}`, { token: rider.accessToken });
    assert.match(riderView.body.data.otp, /^\d{4}$/);
    // What the rider needs to find the car: who, which car, how well rated.
    const card = riderView.body.data.driver;
    assert.deepEqual(
      { id: card.id, name: card.name, make: card.vehicle.make, model: card.vehicle.model, rating: card.rating },
      { id: driver.id, name: 'Test driver', make: 'Toyota', model: 'Corolla', rating: 5 },
    );
    assert.match(card.vehicle.plate, /^ABC \d{4}$/);

    const arrived = await t.api('POST', `/api/v1/trips/${trip.id}/status`, {
      token: driver.accessToken,
      body: { status: 'arrived' },
    });
    assert.equal(arrived.body.data.status, 'arrived');
    const wrongOtp = riderView.body.data.otp === '0000' ? '1111' : '0000';
    const bad = await t.api('POST', `/api/v1/trips/${trip.id}/status`, {
      token: driver.accessToken,
      body: { status: 'started', otp: wrongOtp },
    });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.error.code, 'INVALID_OTP');
    const started = await t.api('POST', `/api/v1/trips/${trip.id}/status`, {
      token: driver.accessToken,
      body: { status: 'started', otp: riderView.body.data.otp },
    });
    assert.equal(started.body.data.status, 'started');
    const completed = await t.api('POST', `/api/v1/trips/${trip.id}/status`, {
      token: driver.accessToken,
      body: { status: 'completed' },
    });
    assert.equal(completed.status, 200);
    assert.equal(completed.body.data.status, 'completed');
    assert.equal(completed.body.data.version, trip.version + 4);

    const events = await t.platform.database.pool.query(
      `SELECT type, seq FROM "${t.schema}".events WHERE aggregate_id = $1 ORDER BY seq`,
      [trip.id],
    );
    assert.deepEqual(
      events.rows.map((r) => r.seq),
      [1, 2, 3, 4, 5],
    );
    assert.equal(events.rows[0].type, 'trip.requested');
  });

  test(
    "the driver card follows the driver's new vehicle and erasure at once (it is kept briefly per " + 'node)',
    async () => {
      const rider = await t.signup('rider');
      const driver = await t.driver();
      const trip = (
        await t.api('POST', '/api/v1/trips', {
          token: rider.accessToken,
          body: { pickup: CAIRO_PICKUP, dropoff: CAIRO_DROPOFF, vehicleClass: 'economy', paymentMethod: 'cash' },
        })
      ).body.data;
      await offer(trip.id, [driver.id]);
      await t.api('POST', `/api/v1/trips/${trip.id}/driver-response`, {
        token: driver.accessToken,
        body: { action: 'accept' },
      });
      const card = async () =>
        (await t.api('GET', `/api/v1/trips/${trip.id}`, { token: rider.accessToken })).body.data.driver;
      assert.equal((await card()).vehicle.model, 'Corolla');

      const newCar = { make: 'Hyundai', model: 'Elantra', plate: 'XYZ 4321', color: 'silver' };
      const changed = await t.api('POST', '/api/v1/drivers/me/profile', {
        token: driver.accessToken,
        body: { vehicleClass: 'economy', vehicle: newCar },
      });
      assert.equal(changed.status, 201, JSON.stringify(changed.body));
      assert.deepEqual((await card()).vehicle, newCar);

      assert.equal(
        (
          await t.api('POST', `/api/v1/trips/${trip.id}/cancel`, {
            token: rider.accessToken,
            body: { reason: 'changed plans' },
          })
        ).status,
        200,
      );
      assert.equal(
        (await t.api('DELETE', '/api/v1/me', { token: driver.accessToken, body: { password: 'password-123' } })).status,
        204,
      );
      assert.equal((await card()).name, 'Deleted user', "an erased driver's name is gone from trip views");
    },
  );
});
