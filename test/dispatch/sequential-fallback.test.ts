import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { PICKUP, driverAt, driverState, eventually, matchingStatus, northOf, requestTrip, respond } from './support.js';

// Rounds at 1/5 of real time: a sequential offer stays open 2 s, the broadcast fallback 3 s (at 1/10 a loaded
// CI box delivered the offer and the test's decline more than the 1 s window apart).
const TIME_SCALE = '0.2';
const SEQUENTIAL_TRIES = 5;

let district = 0;
const nextDistrict = () => ({ lat: PICKUP.lat - 0.3 * ++district, lng: PICKUP.lng });

interface Offer {
  driverId: string;
  round: number;
}

describe('sequential dispatch falls back to broadcast', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('sequential_fallback', { DISPATCH_TIME_SCALE: TIME_SCALE });
    await t.platform.jobs.start();
  });
  after(async () => t.close());

  async function watch(drivers: Array<{ id: string; accessToken: string }>) {
    const offers: Offer[] = [];
    const sockets = await Promise.all(drivers.map((d) => t.connectSocket(d.accessToken)));
    sockets.forEach((s, i) =>
      s.on('trip:offer', (p: { round: number }) => offers.push({ driverId: drivers[i]!.id, round: p.round })),
    );
    return offers;
  }

  test('five single offers one after another, then one broadcast round to everyone not yet asked', async () => {
    const home = nextDistrict();
    const rider = await t.signup('rider');
    const drivers = await Promise.all(
      [300, 600, 900, 1_200, 1_500, 1_800, 2_100].map((m) => driverAt(t, northOf(home, m))),
    );
    const byId = new Map(drivers.map((d) => [d.id, d]));
    const offers = await watch(drivers);
    const trip = await requestTrip(t, rider, { pickup: home, dropoff: northOf(home, 5_000), strategy: 'sequential' });

    for (let i = 1; i <= SEQUENTIAL_TRIES; i++) {
      await eventually(() => offers.length === i);
      const offer = offers[i - 1]!;
      assert.equal(offer.round, i, `offer ${i} belongs to round ${i}`);
      // Decline at once: the next single offer goes out without waiting out the round.
      assert.equal((await respond(t, byId.get(offer.driverId)!, trip.id, { action: 'decline' })).status, 200);
    }
    await eventually(() => offers.length === drivers.length);
    const singles = offers.slice(0, SEQUENTIAL_TRIES);
    const broadcast = offers.slice(SEQUENTIAL_TRIES);
    assert.equal(new Set(singles.map((o) => o.driverId)).size, SEQUENTIAL_TRIES, 'five different drivers, one each');
    assert.deepEqual(
      broadcast.map((o) => o.round),
      [SEQUENTIAL_TRIES + 1, SEQUENTIAL_TRIES + 1],
      'the rest are offered together, in one round',
    );
    const asked = new Set(singles.map((o) => o.driverId));
    assert.deepEqual(
      new Set(broadcast.map((o) => o.driverId)),
      new Set(drivers.filter((d) => !asked.has(d.id)).map((d) => d.id)),
      'the broadcast goes to exactly the drivers not asked before',
    );
    assert.equal((await matchingStatus(t, rider, trip.id)).status, 'offers_pending');

    // First accept of the broadcast wins; the other broadcast driver is told it lost.
    const [winner, loser] = broadcast.map((o) => byId.get(o.driverId)!);
    const results = await Promise.all([
      respond(t, winner!, trip.id, { action: 'accept' }),
      respond(t, loser!, trip.id, { action: 'accept' }),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409]);
    assert.equal((await matchingStatus(t, rider, trip.id)).status, 'matched');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(offers.length, drivers.length, 'no offer after the broadcast round was won');
  });

  test('when the broadcast round finds nobody new either, the search ends no_drivers after it', async () => {
    const home = nextDistrict();
    const rider = await t.signup('rider');
    const drivers = await Promise.all([400, 800].map((m) => driverAt(t, northOf(home, m))));
    const byId = new Map(drivers.map((d) => [d.id, d]));
    const offers = await watch(drivers);
    const trip = await requestTrip(t, rider, { pickup: home, dropoff: northOf(home, 5_000), strategy: 'sequential' });
    for (let i = 1; i <= drivers.length; i++) {
      await eventually(() => offers.length === i);
      await respond(t, byId.get(offers[i - 1]!.driverId)!, trip.id, { action: 'decline' });
    }
    await eventually(async () => (await matchingStatus(t, rider, trip.id)).status === 'no_drivers', 20_000);
    const status = await matchingStatus(t, rider, trip.id);
    // Rounds 1–5 sequential, round 6 the (empty) broadcast, round 7 closes the search.
    assert.deepEqual(
      { round: status.round, offered: status.offeredDrivers },
      { round: SEQUENTIAL_TRIES + 2, offered: 2 },
    );
    assert.equal(offers.length, 2, 'nobody is offered twice');
    for (const d of drivers) assert.equal((await driverState(t, d.id)).state, 'available');
  });
});
