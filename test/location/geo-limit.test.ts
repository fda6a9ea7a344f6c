import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { ack, CAIRO_DROPOFF, CAIRO_PICKUP } from '../realtime/support.js';

/**
 * Fuzz found `GET /location/nearby?lat=90` answering 500: the routes took
 * latitudes up to ±90 but the driver geo index stops at the Web-Mercator
 * limit (±85.05112878). Every point that reaches the index must be refused at
 * the edge with a 400, and nothing may be written.
 */
const POLAR = { lat: 89.9, lng: 31 };

describe('points beyond the geo index latitude limit', () => {
  let t: TestApp;
  let rider: TestUser;
  let admin: TestUser;
  let driver: TestUser;
  before(async () => {
    t = await startTestApp('loc_geo_limit');
    [rider, admin, driver] = [await t.signup('rider'), await t.admin(), await t.driver()];
  });
  after(async () => t.close());

  const assertValidation = (res: { status: number; body: any }, what: string) => {
    assert.equal(res.status, 400, `${what}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.error.code, 'VALIDATION_ERROR', what);
  };

  test('nearby at lat 90 and 89.9 is 400 VALIDATION_ERROR for riders and admins, not 500', async () => {
    for (const user of [rider, admin]) {
      assertValidation(
        await t.api('GET', '/api/v1/location/nearby?lat=90&lng=31', { token: user.accessToken }),
        `${user.role} lat 90`,
      );
      assertValidation(
        await t.api('GET', '/api/v1/location/nearby?lat=-89.9&lng=31', { token: user.accessToken }),
        `${user.role} lat -89.9`,
      );
    }
    const edge = await t.api('GET', '/api/v1/location/nearby?lat=85.05&lng=31', { token: rider.accessToken });
    assert.equal(edge.status, 200, JSON.stringify(edge.body));
    assert.deepEqual(edge.body.data, []);
  });

  test('pricing estimate and surge map near the pole are 400, not 500', async () => {
    assertValidation(
      await t.api('POST', '/api/v1/pricing/estimate', {
        token: rider.accessToken,
        body: { pickup: POLAR, dropoff: CAIRO_DROPOFF },
      }),
      'estimate pickup',
    );
    assertValidation(
      await t.api('GET', `/api/v1/pricing/surge-map?lat=${POLAR.lat}&lng=${POLAR.lng}`, { token: rider.accessToken }),
      'surge-map',
    );
  });

  test('a trip requested from near the pole is 400 and no trip is written', async () => {
    const before = await t.count('trips');
    const res = await t.api('POST', '/api/v1/trips', {
      token: rider.accessToken,
      body: { pickup: POLAR, dropoff: CAIRO_DROPOFF, vehicleClass: 'economy', paymentMethod: 'cash' },
    });
    assertValidation(res, 'trip pickup');
    assert.equal(await t.count('trips'), before);
    const dropoff = await t.api('POST', '/api/v1/trips', {
      token: rider.accessToken,
      body: { pickup: CAIRO_PICKUP, dropoff: POLAR, vehicleClass: 'economy', paymentMethod: 'cash' },
    });
    assertValidation(dropoff, 'trip dropoff');
    assert.equal(await t.count('trips'), before);
  });

  test('driver location updates near the pole are refused over HTTP, batch and socket', async () => {
    const fix = { ...POLAR, timestamp: Date.now() };
    assertValidation(
      await t.api('POST', '/api/v1/location/update', { token: driver.accessToken, body: fix }),
      'update',
    );
    assertValidation(
      await t.api('POST', '/api/v1/location/batch-update', { token: driver.accessToken, body: { points: [fix] } }),
      'batch',
    );
    const socket = await t.connectSocket(driver.accessToken);
    const reply = await ack(socket, 'driver:location_update', { ...fix, timestamp: Date.now() });
    socket.disconnect();
    assert.equal(reply.ok, false, JSON.stringify(reply));
    assert.equal(reply.error?.code, 'VALIDATION_ERROR');
  });
});
