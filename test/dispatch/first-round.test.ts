/**
 * Issue 22.1: round 1 of a ride or a service request runs inside its request transaction (one commit for the job and
 * its first offers, instead of a second transaction after the reply). What a customer or provider can see of that.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { BATTERY, district, near, offeredTo, providerAt, requestService } from '../field-service/support.js';
import {
  DROPOFF,
  PICKUP,
  driverAt,
  driverState,
  matchingStatus,
  northOf,
  requestTrip,
  watchOffers,
} from './support.js';

describe('round 1 in the request transaction', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('dispatch_first_round');
  });
  after(async () => t.close());

  test('when POST /trips answers, the nearby driver already holds the offer and has it on the socket', async () => {
    const rider = await t.signup('rider');
    const driver = await driverAt(t, northOf(PICKUP, 400));
    const { offers, sockets } = await watchOffers(t, [driver]);
    const trip = await requestTrip(t, rider);
    // No waiting: the offer committed with the trip, so the very first poll shows it.
    const status = await matchingStatus(t, rider, trip.id);
    assert.deepEqual([status.status, status.round, status.offeredDrivers], ['offers_pending', 1, 1]);
    assert.equal((await driverState(t, driver.id)).state, 'offered');
    for (let i = 0; i < 40 && offers.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    assert.deepEqual(
      offers.map((o) => o.payload.tripId),
      [trip.id],
    );
    sockets.forEach((s) => s.disconnect());
  });

  test('with nobody near, round 1 is already counted and the next round is due when the request answers', async () => {
    const rider = await t.signup('rider');
    const far = { lat: PICKUP.lat + 1, lng: PICKUP.lng + 1 }; // ~150 km from any driver of this suite
    const trip = await requestTrip(t, rider, { pickup: far, dropoff: { lat: far.lat + 0.01, lng: far.lng } });
    const status = await matchingStatus(t, rider, trip.id);
    assert.equal(status.round, 1);
    assert.equal(status.offeredDrivers, 0);
    assert.ok(status.expiresAt && Date.parse(status.expiresAt) > Date.now(), 'round 2 is scheduled');
  });

  test('a refused request (the rider already has a trip) claims no driver: the driver stays available', async () => {
    const rider = await t.signup('rider');
    const far = { lat: PICKUP.lat - 1, lng: PICKUP.lng - 1 };
    await requestTrip(t, rider, { pickup: far, dropoff: { lat: far.lat + 0.01, lng: far.lng } });
    const driver = await driverAt(t, northOf(PICKUP, 300));
    const again = await t.api('POST', '/api/v1/trips', {
      token: rider.accessToken,
      body: { pickup: PICKUP, dropoff: DROPOFF, vehicleClass: 'economy', paymentMethod: 'cash' },
    });
    assert.equal(again.status, 409);
    assert.equal((await driverState(t, driver.id)).state, 'available');
  });

  test('a service request too: when it is answered, the provider with the skill already holds the offer', async () => {
    const at = district(3);
    const customer = await t.signup('rider');
    const provider = await providerAt(t, near(at, 1), BATTERY);
    const request = await requestService(t, customer, { location: at });
    assert.deepEqual(await offeredTo(t, request.id), [provider.id]);
    assert.equal((await driverState(t, provider.id)).state, 'offered');
  });
});
