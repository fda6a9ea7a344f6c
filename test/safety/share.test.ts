import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { OWN_OFFERS, acceptedTrip, advance, rows } from './trips.js';

describe('trip sharing', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('share', { ...OWN_OFFERS, PUBLIC_BASE_URL: 'https://smartline.example' });
  });
  after(async () => t.close());

  test(
    'the rider shares a live link; anyone with it sees status and last position; tokens are stored ' + 'hashed',
    async () => {
      const rider = await t.signup('rider');
      const driver = await t.driver();
      const trip = await acceptedTrip(t, rider, driver);
      const res = await t.api('POST', `/api/v1/trips/${trip.id}/share`, { token: rider.accessToken });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const { token, url, expiresAt } = res.body.data;
      assert.match(token, /^[A-Za-z0-9_-]{22}$/, '128 random bits, base64url');
      assert.equal(url, `https://smartline.example/api/v1/share/${token}`);
      assert.ok(Date.parse(expiresAt) > Date.now());
      const stored = await rows(t, 'SELECT token_hash FROM $schema.trip_shares WHERE trip_id = $1', [trip.id]);
      assert.deepEqual(stored, [{ token_hash: createHash('sha256').update(token).digest('hex') }]);

      const before = await t.api('GET', `/api/v1/share/${token}`);
      assert.equal(before.status, 200, JSON.stringify(before.body));
      assert.equal(before.body.data.status, 'accepted');
      assert.equal(before.body.data.driver.name, 'Test driver');
      assert.ok(!JSON.stringify(before.body.data).includes(rider.id), 'nothing identifies the rider');

      await t.api('POST', '/api/v1/location/update', {
        token: driver.accessToken,
        body: { lat: 30.046, lng: 31.236, accuracy: 5, timestamp: Date.now() },
      });
      const live = await t.api('GET', `/api/v1/share/${token}`);
      assert.deepEqual([live.body.data.position.lat, live.body.data.position.lng], [30.046, 31.236]);

      await advance(t, driver, trip.id, 'arrived');
      const otp = (await t.api('GET', `/api/v1/trips/${trip.id}`, { token: rider.accessToken })).body.data.otp;
      await advance(t, driver, trip.id, 'started', otp);
      assert.equal((await t.api('GET', `/api/v1/share/${token}`)).body.data.status, 'started');
      await advance(t, driver, trip.id, 'completed');
      assert.equal((await t.api('GET', `/api/v1/share/${token}`)).status, 404, 'gone once the trip ends');
    },
  );

  test('only the rider shares; revoking kills the link', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const trip = await acceptedTrip(t, rider, driver);
    assert.equal((await t.api('POST', `/api/v1/trips/${trip.id}/share`, { token: driver.accessToken })).status, 403);
    const stranger = await t.signup('rider');
    assert.equal((await t.api('POST', `/api/v1/trips/${trip.id}/share`, { token: stranger.accessToken })).status, 404);
    const { token } = (await t.api('POST', `/api/v1/trips/${trip.id}/share`, { token: rider.accessToken })).body.data;
    assert.equal(
      (await t.api('DELETE', `/api/v1/trips/${trip.id}/share/${token}`, { token: driver.accessToken })).status,
      403,
    );
    assert.equal(
      (await t.api('DELETE', `/api/v1/trips/${trip.id}/share/${token}`, { token: rider.accessToken })).status,
      204,
    );
    assert.equal((await t.api('GET', `/api/v1/share/${token}`)).status, 404);
    assert.equal(
      (await t.api('DELETE', `/api/v1/trips/${trip.id}/share/${token}`, { token: rider.accessToken })).status,
      404,
    );
    assert.equal((await t.api('GET', '/api/v1/share/not-a-token')).status, 404);
  });
});
