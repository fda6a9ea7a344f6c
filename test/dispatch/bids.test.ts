import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../support/harness.js';
import {
  PICKUP,
  driverAt,
  driverState,
  eventually,
  matchingStatus,
  northOf,
  requestTrip,
  respond,
  watchOffers,
} from './support.js';

describe('broadcast_bid: drivers bid, the rider picks', () => {
  let t: TestApp;
  before(async () => {
    // Collection 3 s and selection 3 s (1/10 of 30 s + 30 s).
    t = await startTestApp('dispatch_bids', { DISPATCH_TIME_SCALE: '0.1' });
    await t.platform.jobs.start();
  });
  after(async () => t.close());

  test('bids, bounds, one bid per driver; the rider’s pick wins at the bid amount, the others are freed', async () => {
    const rider = await t.signup('rider');
    const drivers = await Promise.all([300, 600, 900].map((m) => driverAt(t, northOf(PICKUP, m))));
    const [cheap, dear, shy] = drivers as [(typeof drivers)[0], (typeof drivers)[0], (typeof drivers)[0]];
    const { offers } = await watchOffers(t, drivers);
    const riderSocket = await t.connectSocket(rider.accessToken);
    const bidEvents: Array<{ bidId: string; amount: number }> = [];
    riderSocket.on('trip:bid', (p: { bidId: string; amount: number }) => bidEvents.push(p));

    const trip = await requestTrip(t, rider, { strategy: 'broadcast_bid' });
    await eventually(() => offers.length === 3);
    assert.ok(offers.every((o) => o.payload.strategy === 'broadcast_bid'));
    const fare = trip.fare.amount;

    const tooLow = await respond(t, shy, trip.id, { action: 'accept', bidAmount: 100 });
    assert.equal(tooLow.status, 400);
    const tooHigh = await respond(t, shy, trip.id, { action: 'accept', bidAmount: fare * 3 + 50 });
    assert.equal(tooHigh.status, 400);
    assert.equal((await respond(t, shy, trip.id, { action: 'decline' })).status, 200);

    const bid = await respond(t, dear, trip.id, { action: 'accept', bidAmount: fare + 500 });
    assert.equal(bid.status, 200, JSON.stringify(bid.body));
    assert.equal(bid.body.data.status, 'searching', 'a bid does not take the trip');
    assert.equal(
      (await respond(t, dear, trip.id, { action: 'accept', bidAmount: fare + 100 })).status,
      409,
      'one bid per driver',
    );
    assert.equal(
      (await respond(t, cheap, trip.id, { action: 'accept' })).status,
      200,
      'accept without an amount bids the estimate',
    );

    const status = await matchingStatus(t, rider, trip.id);
    assert.equal(status.status, 'offers_pending');
    assert.deepEqual(
      status.bids?.map((b) => [b.bidId, b.amount]),
      [
        [cheap.id, fare],
        [dear.id, fare + 500],
      ],
      'cheapest first',
    );
    await eventually(() => bidEvents.length === 2);

    const picked = await t.api('POST', `/api/v1/trips/${trip.id}/bids/${dear.id}/select`, { token: rider.accessToken });
    assert.equal(picked.status, 200, JSON.stringify(picked.body));
    assert.equal(picked.body.data.status, 'accepted');
    assert.equal(picked.body.data.driverId, dear.id);
    assert.equal(picked.body.data.fare.amount, fare + 500);
    assert.equal(
      (await t.api('POST', `/api/v1/trips/${trip.id}/bids/${cheap.id}/select`, { token: rider.accessToken })).status,
      409,
    );
    assert.equal((await driverState(t, dear.id)).state, 'busy');
    await eventually(async () => (await driverState(t, cheap.id)).state === 'available');
    assert.equal((await driverState(t, shy.id)).state, 'available');
    const hello = await t.api('POST', `/api/v1/trips/${trip.id}/messages`, {
      token: rider.accessToken,
      body: { text: 'Hi, I am at the gate', clientMessageId: 'bid-1' },
    });
    assert.equal(hello.status, 201, `a trip won by a bid has its chat room: ${JSON.stringify(hello.body)}`);
  });

  test('only the rider selects, and only a real bid', async () => {
    const rider = await t.signup('rider');
    const driver = await driverAt(t, northOf({ lat: PICKUP.lat + 0.3, lng: PICKUP.lng }, 300));
    const { offers } = await watchOffers(t, [driver]);
    const trip = await requestTrip(t, rider, {
      strategy: 'broadcast_bid',
      pickup: { lat: PICKUP.lat + 0.3, lng: PICKUP.lng },
    });
    await eventually(() => offers.length === 1);
    const noBid = await t.api('POST', `/api/v1/trips/${trip.id}/bids/${driver.id}/select`, {
      token: rider.accessToken,
    });
    assert.equal(noBid.status, 404, 'offered but no bid yet');
    await respond(t, driver, trip.id, { action: 'accept' });
    const stranger = await t.signup('rider');
    assert.equal(
      (await t.api('POST', `/api/v1/trips/${trip.id}/bids/${driver.id}/select`, { token: stranger.accessToken }))
        .status,
      404,
    );
    assert.equal(
      (await t.api('POST', `/api/v1/trips/${trip.id}/bids/${driver.id}/select`, { token: driver.accessToken })).status,
      403,
      'drivers cannot call it',
    );
  });

  test('unpicked bids lapse after the selection window; the search moves to the next round', async () => {
    const home = { lat: PICKUP.lat + 0.6, lng: PICKUP.lng };
    const rider = await t.signup('rider');
    const driver = await driverAt(t, northOf(home, 300));
    const { offers } = await watchOffers(t, [driver]);
    const trip = await requestTrip(t, rider, { strategy: 'broadcast_bid', pickup: home });
    await eventually(() => offers.length === 1);
    await respond(t, driver, trip.id, { action: 'accept' });
    // Collection ends (3 s): the rider gets a selection window with the bid still open.
    await eventually(
      async () =>
        (
          await t.platform.database.pool.query(`SELECT phase FROM "${t.schema}".trip_dispatch WHERE trip_id = $1`, [
            trip.id,
          ])
        ).rows[0].phase === 'selecting',
      8_000,
    );
    assert.equal((await matchingStatus(t, rider, trip.id)).bids?.length, 1);
    // Selection ends unpicked: bid expired, driver free, round 2 starts (nobody else to offer).
    await eventually(async () => (await matchingStatus(t, rider, trip.id)).round === 2, 8_000);
    const after = await matchingStatus(t, rider, trip.id);
    assert.deepEqual(after.bids, []);
    assert.equal((await driverState(t, driver.id)).state, 'available');
    assert.equal((await driverState(t, driver.id)).offers_received, 0, 'an unpicked bid is not a missed offer');
  });
});
