import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TestApp } from '../../support/harness.js';
import { offersCounterKey, FAIRNESS_WINDOW_MS } from '../../src/modules/dispatch/index.js';
import { query as sql } from '../support/fixtures.js';
import { driverAt, driverState, eventually, northOf, respond, watchOffers } from './support.js';
import { nextDistrict, startScaledDispatchApp, tripAt } from './strategies-support.js';

/** Which drivers a round asks, and in what order: search radius, eligibility, fairness, degraded matching. */
describe('dispatch rules: which drivers are asked', () => {
  let t: TestApp;
  before(async () => {
    t = await startScaledDispatchApp('dispatch_candidates');
  });
  after(async () => t.close());

  test('the radius widens 3 → 5 → 8 km: a driver 4 km away is found, one 9 km away never', async () => {
    const home = nextDistrict();
    const rider = await t.signup('rider');
    const [at4km, at9km] = await Promise.all([driverAt(t, northOf(home, 4_000)), driverAt(t, northOf(home, 9_000))]);
    const { offers } = await watchOffers(t, [at4km, at9km]);
    const trip = await tripAt(t, rider, home);
    await eventually(() => offers.length === 1);
    assert.equal(offers[0]!.driverId, at4km.id);
    assert.equal((await respond(t, at4km, trip.id, { action: 'accept' })).status, 200);
    assert.equal(offers.filter((o) => o.driverId === at9km.id).length, 0);
  });

  test('eligibility: rating floor, cooldown until its 60 s are over (lazy return), upgrade class allowed', async () => {
    const home = nextDistrict();
    const rider = await t.signup('rider');
    const [lowRated, resting, comfort] = await Promise.all([
      driverAt(t, northOf(home, 300)),
      driverAt(t, northOf(home, 400)),
      driverAt(t, northOf(home, 2_500), { vehicleClass: 'comfort' }),
    ]);
    await sql(t, `UPDATE $schema.driver_profiles SET rating = 3.9 WHERE user_id = $1`, [lowRated.id]);
    await sql(
      t,
      `UPDATE $schema.driver_profiles SET state = 'cooldown', cooldown_until = now() + interval '60 seconds' WHERE ` +
        `user_id = $1`,
      [resting.id],
    );
    const { offers } = await watchOffers(t, [lowRated, resting, comfort]);
    const trip = await tripAt(t, rider, home, { strategy: 'sequential' });
    await eventually(() => offers.length === 1);
    assert.equal(offers[0]!.driverId, comfort.id, 'only the comfort upgrade qualifies');
    await respond(t, comfort, trip.id, { action: 'decline' });
    // The cooldown ends (as if 60 s passed): the resting driver is offered the next round.
    await sql(t, `UPDATE $schema.driver_profiles SET cooldown_until = now() - interval '1 second' WHERE user_id = $1`, [
      resting.id,
    ]);
    await eventually(() => offers.length === 2, 5_000);
    assert.equal(offers[1]!.driverId, resting.id);
    assert.equal((await driverState(t, resting.id)).state, 'offered');
    assert.equal(offers.filter((o) => o.driverId === lowRated.id).length, 0);
  });

  test('fairness: of two equal drivers, the one with fewer offers this hour is asked first', async () => {
    const home = nextDistrict();
    const rider = await t.signup('rider');
    const [busy, idle] = await Promise.all([driverAt(t, northOf(home, 500)), driverAt(t, northOf(home, 600))]);
    for (let i = 0; i < 20; i++)
      await t.platform.hotState.incrementWindowCounter(offersCounterKey(busy.id), FAIRNESS_WINDOW_MS);
    const { offers } = await watchOffers(t, [busy, idle]);
    await tripAt(t, rider, home, { strategy: 'sequential' });
    await eventually(() => offers.length === 1);
    assert.equal(offers[0]!.driverId, idle.id);
  });

  test('MATCHING_DEGRADED: nearest first only', async () => {
    const home = nextDistrict();
    const rider = await t.signup('rider');
    const [plain, star] = await Promise.all([driverAt(t, northOf(home, 500)), driverAt(t, northOf(home, 700))]);
    await sql(
      t,
      `UPDATE $schema.driver_profiles SET rating = 4.0, offers_received = 20, offers_accepted = 2 WHERE user_id = $1`,
      [plain.id],
    );
    const { offers } = await watchOffers(t, [plain, star]);
    const weighted = await tripAt(t, rider, home, { strategy: 'sequential' });
    await eventually(() => offers.length === 1);
    assert.equal(offers[0]!.driverId, star.id, 'weighted score prefers the better driver 200 m farther');
    await t.api('POST', `/api/v1/trips/${weighted.id}/cancel-search`, { token: rider.accessToken });
    await eventually(async () => (await driverState(t, star.id)).state === 'available');

    t.platform.flags.set('MATCHING_DEGRADED', true);
    try {
      await tripAt(t, rider, home, { strategy: 'sequential' });
      await eventually(() => offers.length === 2);
      assert.equal(offers[1]!.driverId, plain.id);
    } finally {
      t.platform.flags.set('MATCHING_DEGRADED', false);
    }
  });
});
