import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TestApp } from '../../support/harness.js';
import { query as sql } from '../support/fixtures.js';
import { driverAt, driverState, eventually, matchingStatus, northOf, respond, sleep, watchOffers } from './support.js';
import { AT_ONCE_MS, nextDistrict, SEQUENTIAL_ROUND_MS, startScaledDispatchApp, tripAt } from './strategies-support.js';

/** The strategies round by round, waiting, late and cancelled rounds. Which drivers qualify: candidates.test.ts. */
describe('dispatch strategies and rounds', () => {
  let t: TestApp;
  before(async () => {
    t = await startScaledDispatchApp('dispatch_strategies');
  });
  after(async () => t.close());

  test(
    'sequential: nearest first, one at a time; a decline moves on at once, a timeout after 10 s (scaled); 5 ' +
      'tries and a broadcast round, then no_drivers',
    async () => {
      const home = nextDistrict();
      const rider = await t.signup('rider');
      const drivers = await Promise.all([500, 1_000, 1_500].map((m) => driverAt(t, northOf(home, m))));
      const { offers } = await watchOffers(t, drivers);
      const trip = await tripAt(t, rider, home, { strategy: 'sequential' });

      await eventually(() => offers.length === 1);
      assert.equal(offers[0]!.driverId, drivers[0]!.id, 'nearest first');
      assert.equal(offers[0]!.payload.strategy, 'sequential');
      const declinedAt = Date.now();
      assert.equal((await respond(t, drivers[0]!, trip.id, { action: 'decline' })).status, 200);
      await eventually(() => offers.length === 2);
      assert.equal(offers[1]!.driverId, drivers[1]!.id);
      assert.ok(
        offers[1]!.at - declinedAt < AT_ONCE_MS,
        `next driver ${offers[1]!.at - declinedAt} ms after the decline, not after the round`,
      );
      // Driver 2 never answers: after the round, driver 3.
      await eventually(() => offers.length === 3, 5_000);
      assert.equal(offers[2]!.driverId, drivers[2]!.id);
      assert.ok(offers[2]!.at - offers[1]!.at >= SEQUENTIAL_ROUND_MS * 0.9, 'waited out the round');
      await eventually(async () => (await matchingStatus(t, rider, trip.id)).status === 'no_drivers', 40_000);
      const status = await matchingStatus(t, rider, trip.id);
      // Rounds 1–5 single offers, round 6 the broadcast fallback (nobody left to ask), round 7 ends the search.
      assert.deepEqual({ round: status.round, offered: status.offeredDrivers }, { round: 7, offered: 3 });
      // Declines and timeouts both count as offers not accepted.
      for (const d of drivers)
        assert.deepEqual(
          (({ state, offers_received, offers_accepted }) => ({ state, offers_received, offers_accepted }))(
            await driverState(t, d.id),
          ),
          { state: 'available', offers_received: 1, offers_accepted: 0 },
        );
    },
  );

  test('first_accept: top 5 at once; when all decline the next round goes to the rest right away', async () => {
    const home = nextDistrict();
    const rider = await t.signup('rider');
    const drivers = await Promise.all(
      [200, 400, 600, 800, 1_000, 1_200, 1_400].map((m) => driverAt(t, northOf(home, m))),
    );
    const { offers } = await watchOffers(t, drivers);
    const trip = await tripAt(t, rider, home);
    await eventually(() => offers.length === 5);
    await sleep(100);
    assert.equal(offers.length, 5);
    const first = new Set(offers.map((o) => o.driverId));
    for (const id of first)
      await respond(
        t,
        drivers.find((d) => d.id === id)!,
        trip.id,
        { action: 'decline' },
      );
    await eventually(() => offers.length === 7);
    assert.deepEqual(
      new Set(offers.slice(5).map((o) => o.driverId)),
      new Set(drivers.map((d) => d.id).filter((id) => !first.has(id))),
    );
    assert.equal((await matchingStatus(t, rider, trip.id)).round, 2);
    const win = await respond(
      t,
      drivers.find((d) => d.id === offers[6]!.driverId)!,
      trip.id,
      { action: 'accept' },
    );
    assert.equal(win.status, 200);
  });

  test(
    'a round that finds every nearby driver holding another offer waits, using up no round, and runs once one ' +
      'is free',
    async () => {
      const home = nextDistrict();
      const [bidRider, rider] = await Promise.all([t.signup('rider'), t.signup('rider')]);
      const driver = await driverAt(t, northOf(home, 300));
      const { offers } = await watchOffers(t, [driver]);
      // The only driver holds a broadcast_bid offer (6 s collection window) ...
      const held = await tripAt(t, bidRider, home, { strategy: 'broadcast_bid' });
      await eventually(() => offers.length === 1);
      // ... so this trip's round 1 finds nobody free: it waits (round 0, no offer out), it does not count a round.
      const trip = await tripAt(t, rider, home, { strategy: 'sequential' });
      const retrying = async () =>
        (
          await sql(
            t,
            `SELECT 1 FROM $schema.trip_dispatch WHERE trip_id = $1 AND phase = 'waiting' AND round_expires_at IS ` +
              `NOT NULL`,
            [trip.id],
          )
        ).length === 1;
      await eventually(retrying);
      const waiting = await matchingStatus(t, rider, trip.id);
      assert.deepEqual(
        { status: waiting.status, round: waiting.round, expiresAt: waiting.expiresAt },
        { status: 'searching', round: 0, expiresAt: null },
      );
      assert.equal(offers.length, 1);
      // The driver passes on the bid trip: the waiting trip gets them at once, in its round 1.
      const declinedAt = Date.now();
      assert.equal((await respond(t, driver, held.id, { action: 'decline' })).status, 200);
      await eventually(() => offers.length === 2);
      assert.equal(offers[1]!.payload.tripId, trip.id);
      assert.ok(
        offers[1]!.at - declinedAt < AT_ONCE_MS,
        `offered ${offers[1]!.at - declinedAt} ms after the driver came free`,
      );
      assert.equal((await matchingStatus(t, rider, trip.id)).round, 1);
      assert.equal((await respond(t, driver, trip.id, { action: 'accept' })).status, 200);
    },
  );

  test('cancelling the search withdraws offers, frees the drivers, and later rounds do nothing', async () => {
    const home = nextDistrict();
    const rider = await t.signup('rider');
    const drivers = await Promise.all([300, 600].map((m) => driverAt(t, northOf(home, m))));
    const { offers } = await watchOffers(t, drivers);
    const trip = await tripAt(t, rider, home);
    await eventually(() => offers.length === 2);
    assert.equal(
      (await t.api('POST', `/api/v1/trips/${trip.id}/cancel-search`, { token: rider.accessToken })).status,
      200,
    );
    await eventually(async () =>
      (await Promise.all(drivers.map((d) => driverState(t, d.id)))).every((s) => s.state === 'available'),
    );
    const late = await t.app.dispatch.runRound(trip.id, 2);
    assert.ok(late.kind === 'closed' || late.kind === 'stale', late.kind);
    await sleep(3_500); // the scheduled round 2 (3 s) fires meanwhile
    assert.equal(offers.length, 2, 'no new offers for a cancelled trip');
    assert.equal((await matchingStatus(t, rider, trip.id)).status, 'cancelled');
  });

  test('a round that fires twice or late is a no-op (rounds only move forward)', async () => {
    const home = nextDistrict();
    const rider = await t.signup('rider');
    const driver = await driverAt(t, northOf(home, 300));
    const { offers } = await watchOffers(t, [driver]);
    const trip = await tripAt(t, rider, home);
    await eventually(() => offers.length === 1);
    assert.deepEqual(await t.app.dispatch.runRound(trip.id, 1), { kind: 'stale' });
    assert.equal((await respond(t, driver, trip.id, { action: 'accept' })).status, 200);
    assert.deepEqual(await t.app.dispatch.runRound(trip.id, 2), { kind: 'closed' });
    assert.equal((await driverState(t, driver.id)).state, 'busy');
  });

  test('scheduled: dispatch is queued SCHEDULED_OFFER_LEAD_MS (30 min) before pickup; when it fires the trip searches', async () => {
    const home = nextDistrict();
    const rider = await t.signup('rider');
    const driver = await driverAt(t, northOf(home, 300));
    const { offers } = await watchOffers(t, [driver]);
    const scheduledAt = new Date(Date.now() + 40 * 60_000);
    const trip = await tripAt(t, rider, home, { scheduledAt: scheduledAt.toISOString() });
    assert.equal(trip.status, 'scheduled');
    assert.equal(trip.strategy, 'scheduled');
    const [job] = await sql<{ run_at: Date }>(t, `SELECT run_at FROM "${t.schema}_jobs".jobs WHERE key = $1`, [
      `dispatch:${trip.id}`,
    ]);
    assert.ok(job, 'round job queued');
    assert.ok(
      Math.abs(job.run_at.getTime() - (scheduledAt.getTime() - t.config.SCHEDULED_OFFER_LEAD_MS)) < 1_000,
      `runs at ${job.run_at.toISOString()}`,
    );
    await sleep(300);
    assert.equal(offers.length, 0, 'nothing offered 40 minutes ahead');
    // The job firing at pickup − 30 min:
    assert.equal((await t.app.dispatch.runRound(trip.id, 1)).kind, 'offered');
    assert.equal((await matchingStatus(t, rider, trip.id)).status, 'offers_pending');
    await eventually(() => offers.length === 1);
    assert.equal(offers[0]!.payload.strategy, 'scheduled');
    const reserved = await respond(t, driver, trip.id, { action: 'accept' });
    assert.equal(reserved.status, 200);
    assert.equal(
      reserved.body.data.status,
      'scheduled',
      'reserved until the driver confirms (test/trips/scheduled-hold)',
    );
  });
});
