import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TestApp } from '../../support/harness.js';
import { book, provider } from '../bookings/fixtures.js';
import { CAIRO_DROPOFF as DROPOFF, CAIRO_PICKUP as PICKUP, acceptedTrip } from '../support/fixtures.js';
import { startErasureApp, userRow } from './erasure-support.js';

const ADMIN_PASSWORD = 'admin-password-123'; // support/harness.ts

/** When DELETE /me is refused (active trip or booking, admins) and changes nothing. */
describe('GDPR erasure: DELETE /me refused', () => {
  let t: TestApp;
  before(async () => {
    t = await startErasureApp('erasure_refused');
  });
  after(async () => t.close());

  test('409 while the rider has an active trip; nothing changes', async () => {
    const rider = await t.signup('rider');
    const before = await userRow(t, rider.id);
    const trip = await t.api('POST', '/api/v1/trips', {
      token: rider.accessToken,
      body: { pickup: PICKUP, dropoff: DROPOFF, vehicleClass: 'economy', paymentMethod: 'cash' },
    });
    assert.equal(trip.status, 201);
    const res = await t.api('DELETE', '/api/v1/me', { token: rider.accessToken, body: { password: 'password-123' } });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'CONFLICT');
    assert.deepEqual(await userRow(t, rider.id), before);
    assert.equal((await t.api('GET', '/api/v1/me', { token: rider.accessToken })).status, 200, 'still signed in');
  });

  test('409 for a driver on an active trip', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    await acceptedTrip(t, rider, driver);
    assert.equal(
      (await t.api('DELETE', '/api/v1/me', { token: driver.accessToken, body: { password: 'password-123' } })).status,
      409,
    );
  });

  test('409 while a booking is in progress (either side)', async () => {
    const p = await provider(t);
    const rider = await t.signup('rider');
    const b = await book(t, rider, p.id);
    for (const status of ['confirmed', 'in_progress'])
      await t.api('POST', `/api/v1/bookings/${b.id}/status`, { token: p.accessToken, body: { status } });
    assert.equal(
      (await t.api('DELETE', '/api/v1/me', { token: rider.accessToken, body: { password: 'password-123' } })).status,
      409,
    );
    assert.equal(
      (await t.api('DELETE', '/api/v1/me', { token: p.accessToken, body: { password: 'password-123' } })).status,
      409,
    );
    assert.equal((await userRow(t, rider.id)).name, 'Test rider');
  });

  test('admins cannot erase themselves through the API', async () => {
    const admin = await t.admin();
    assert.equal(
      (await t.api('DELETE', '/api/v1/me', { token: admin.accessToken, body: { password: ADMIN_PASSWORD } })).status,
      403,
    );
  });
});
