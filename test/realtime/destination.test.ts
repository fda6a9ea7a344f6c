import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { acceptedTrip, next } from './support.js';

describe('destination change over sockets', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('rt_destination', { DISPATCH_INLINE_FIRST_ROUND: 'false' });
  });
  after(async () => t.close());

  test('the driver hears trip:destination_changed with the new dropoff once the rider changes it', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const driverSocket = await t.connectSocket(driver.accessToken);
    const trip = await acceptedTrip(t, rider, driver);
    const heard = next(driverSocket, 'trip:destination_changed');
    const dropoff = { lat: 30.07, lng: 31.26, address: 'Tahrir Square' };
    const res = await t.api('POST', `/api/v1/trips/${trip.id}/destination`, {
      token: rider.accessToken,
      body: { dropoff },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const event = await heard;
    assert.deepEqual([event.tripId, event.dropoff, event.version], [trip.id, dropoff, res.body.data.version]);
    const bad = await t.api('POST', `/api/v1/trips/${trip.id}/destination`, {
      token: rider.accessToken,
      body: { dropoff: { lat: 0, lng: 0 } },
    });
    assert.equal(bad.status, 400, '(0,0) is refused and nothing changes');
    const after = await t.api('GET', `/api/v1/trips/${trip.id}`, { token: rider.accessToken });
    assert.deepEqual(after.body.data.dropoff, dropoff);
  });
});
