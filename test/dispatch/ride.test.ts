import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../support/harness.js';
import {
  DROPOFF,
  PICKUP,
  driverAt,
  driverState,
  eventually,
  matchingStatus,
  northOf,
  respond,
  sleep,
  watchOffers,
} from './support.js';

describe('a full ride through dispatch (estimate → request → offers over sockets → accept → complete)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('dispatch_ride');
    await t.platform.jobs.start();
  });
  after(async () => t.close());

  test(
    'three nearby drivers get trip:offer, one wins, the ride completes, the other two are available ' + 'again',
    async () => {
      const rider = await t.signup('rider');
      const near = await Promise.all([300, 600, 900].map((m) => driverAt(t, northOf(PICKUP, m))));
      // Never offered: 10 km away, unapproved, offline, wrong class.
      const far = await driverAt(t, northOf(PICKUP, 10_000));
      const unapproved = await t.driver({ approved: false });
      const offline = await driverAt(t, northOf(PICKUP, 200));
      await t.api('POST', '/api/v1/drivers/me/availability', {
        token: offline.accessToken,
        body: { available: false },
      });
      const premium = await driverAt(t, northOf(PICKUP, 250), { vehicleClass: 'premium' });
      const { offers } = await watchOffers(t, [...near, far, unapproved, offline, premium]);

      const estimate = await t.api('POST', '/api/v1/pricing/estimate', {
        token: rider.accessToken,
        body: { pickup: PICKUP, dropoff: DROPOFF, vehicleClass: 'economy' },
      });
      assert.equal(estimate.status, 200, JSON.stringify(estimate.body));
      const quote = estimate.body.data.quotes[0];
      const created = await t.api('POST', '/api/v1/trips', {
        token: rider.accessToken,
        body: {
          pickup: PICKUP,
          dropoff: DROPOFF,
          vehicleClass: 'economy',
          paymentMethod: 'cash',
          quoteId: quote.quoteId,
        },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const trip = created.body.data;
      assert.equal(trip.fare.amount, quote.amount, 'charged the quoted price');

      await eventually(() => offers.length >= 3, 5_000);
      await sleep(300); // anything else would have arrived by now
      assert.deepEqual(
        offers.map((o) => o.driverId).sort(),
        near.map((d) => d.id).sort(),
        'exactly the three eligible drivers',
      );
      for (const { payload } of offers) {
        assert.equal(payload.tripId, trip.id);
        assert.deepEqual(payload.pickup, PICKUP);
        assert.deepEqual(payload.dropoff, DROPOFF);
        assert.deepEqual(payload.fareEstimate, { amount: quote.amount, currency: 'EGP' });
        assert.equal(payload.strategy, 'first_accept');
        const ttl = new Date(payload.expiresAt).getTime() - Date.now();
        assert.ok(ttl > 10_000 && ttl <= 15_000, `15 s round, ${ttl} ms left`);
      }
      for (const d of near) assert.equal((await driverState(t, d.id)).state, 'offered');
      const status = await matchingStatus(t, rider, trip.id);
      assert.deepEqual(
        { status: status.status, round: status.round, offered: status.offeredDrivers },
        { status: 'offers_pending', round: 1, offered: 3 },
      );

      const [winner, ...losers] = near as [(typeof near)[0], ...typeof near];
      const won = await respond(t, winner, trip.id, { action: 'accept' });
      assert.equal(won.status, 200, JSON.stringify(won.body));
      assert.equal(won.body.data.driverId, winner.id);
      for (const loser of losers) assert.equal((await respond(t, loser, trip.id, { action: 'accept' })).status, 409);
      assert.equal((await matchingStatus(t, rider, trip.id)).status, 'matched');

      const otp = (await t.api('GET', `/api/v1/trips/${trip.id}`, { token: rider.accessToken })).body.data.otp;
      const step = (status: string, extra: Record<string, unknown> = {}) =>
        t.api('POST', `/api/v1/trips/${trip.id}/status`, { token: winner.accessToken, body: { status, ...extra } });
      assert.equal((await step('arrived')).body.data.status, 'arrived');
      assert.equal((await step('started', { otp })).body.data.status, 'started');
      const done = await step('completed');
      assert.equal(done.body.data.status, 'completed');

      const winnerNow = await driverState(t, winner.id);
      assert.equal(winnerNow.state, 'cooldown');
      assert.equal(winnerNow.offers_accepted, 1);
      // The other two were released when the winner's acceptance withdrew their offers.
      await eventually(async () =>
        (await Promise.all(losers.map((d) => driverState(t, d.id)))).every((s) => s.state === 'available'),
      );
      for (const d of losers)
        assert.equal((await driverState(t, d.id)).offers_received, 0, 'a withdrawn offer is not a miss');
    },
  );
});
