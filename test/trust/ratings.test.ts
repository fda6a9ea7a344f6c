/**
 * Issue 16 point 1: ratings both ways, once each, within 7 days of
 * completion; the rolling aggregate shows on the profiles and dispatch
 * scores and floors with it.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { query, requestTrip, tally } from '../support/fixtures.js';
import { eventually, northOf, PICKUP, reportPosition } from '../dispatch/support.js';
import { retrying503 } from '../support/client-retry.js';
import { completedTrip, rate, ratingsOf, skipCooldown } from './support.js';

describe('trip ratings', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('trust_ratings');
  });
  after(async () => t.close());

  async function pairWithCompletedTrip() {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const tripId = await completedTrip(t, rider, driver);
    return { rider, driver, tripId };
  }

  const me = async (user: TestUser) => (await t.api('GET', '/api/v1/me', { token: user.accessToken })).body.data;

  test('rider and driver each rate the other once: 201, a second rating 409, and both profiles show it', async () => {
    const { rider, driver, tripId } = await pairWithCompletedTrip();
    const byRider = await rate(t, rider, tripId, { stars: 4, comment: 'Smooth ride', tags: ['clean car', 'polite'] });
    assert.equal(byRider.status, 201, JSON.stringify(byRider.body));
    assert.deepEqual(
      { rateeId: byRider.body.data.rateeId, stars: byRider.body.data.stars, tags: byRider.body.data.tags },
      { rateeId: driver.id, stars: 4, tags: ['clean car', 'polite'] },
    );
    const byDriver = await rate(t, driver, tripId, { stars: 3 });
    assert.equal(byDriver.status, 201, JSON.stringify(byDriver.body));
    assert.equal(byDriver.body.data.rateeId, rider.id);

    const again = await rate(t, rider, tripId, { stars: 5 });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'CONFLICT');

    // One rating blended with the 5.0 prior: (4 + 4·5) / 5 = 4.8 and (3 + 4·5) / 5 = 4.6.
    assert.deepEqual([(await me(driver)).rating, (await me(driver)).ratingsCount], [4.8, 1]);
    assert.deepEqual([(await me(rider)).rating, (await me(rider)).ratingsCount], [4.6, 1]);
    const view = await t.api('GET', `/api/v1/trips/${tripId}`, { token: rider.accessToken });
    assert.equal(view.body.data.driver.rating, 4.8, 'DriverProfile.rating, as the trip shows the driver');
    const [profile] = await query<{ rating: number; ratings_count: number }>(
      t,
      'SELECT rating, ratings_count FROM $schema.driver_profiles WHERE user_id = $1',
      [driver.id],
    );
    assert.deepEqual(profile, { rating: 4.8, ratings_count: 1 });
  });

  test('1,000 concurrent rating attempts for one trip leave exactly one rating per party', async () => {
    const { rider, driver, tripId } = await pairWithCompletedTrip();
    let retried = 0;
    // A burst this size can outwait the pool's connect timeout on a loaded box: the API answers 503 + Retry-After
    // and the client tries again, as the apps do; what counts is the outcome each client ends with.
    const attempts = Array.from({ length: 1_000 }, (_, i) =>
      retrying503(() => rate(t, i % 2 === 0 ? rider : driver, tripId, { stars: (i % 5) + 1 }), {
        attempts: 20,
        onRetry: () => retried++,
      }),
    );
    const results = tally(await Promise.all(attempts));
    assert.deepEqual(results, { 201: 2, 409: 998 }, `after ${retried} retries of a 503`);
    const rows = await ratingsOf(t, tripId);
    assert.deepEqual(rows.map((r) => r.rater_id).sort(), [rider.id, driver.id].sort());
    assert.equal((await me(driver)).ratingsCount, 1, 'the aggregate counted the one rating');
    assert.equal((await me(rider)).ratingsCount, 1);
  });

  test('a new account is not sunk by one bad trip, and its rating follows each new rating', async () => {
    const driver = await t.driver();
    const seen: number[] = [];
    for (const stars of [1, 5, 4, 2, 3, 5]) {
      const rider = await t.signup('rider');
      const tripId = await completedTrip(t, rider, driver);
      assert.equal((await rate(t, rider, tripId, { stars })).status, 201);
      seen.push((await me(driver)).rating);
    }
    // (S + (5 − n)·5) / max(n, 5): 1 → 4.2; 1,5 → 4.2; +4 → 4.0; +2 → 3.4; +3 → 3.0; then the mean of six 20/6.
    assert.deepEqual(seen, [4.2, 4.2, 4, 3.4, 3, 3.33]);
  });

  test('bad ratings are refused with a clear 4xx and nothing is written', async () => {
    const { rider, driver, tripId } = await pairWithCompletedTrip();
    const outsider = await t.signup('rider');
    const cases: Array<[TestUser, unknown, number]> = [
      [rider, { stars: 0 }, 400],
      [rider, { stars: 6 }, 400],
      [rider, { stars: 2.5 }, 400],
      [rider, { stars: '5' }, 400],
      [rider, { stars: 5, comment: 'x'.repeat(10 * 1024) }, 400],
      [rider, { stars: 5, comment: 'bad\u202Etext' }, 400],
      [rider, { stars: 5, tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }, 400],
      [rider, { stars: 5, unknown: true }, 400],
      [outsider, { stars: 1 }, 404],
    ];
    for (const [user, body, status] of cases) {
      const res = await rate(t, user, tripId, body);
      assert.equal(res.status, status, `${JSON.stringify(body).slice(0, 80)} → ${res.status}`);
    }
    const admin = await t.admin();
    assert.equal((await rate(t, admin as TestUser, tripId, { stars: 5 })).status, 403, 'admins are not parties');
    const unknown = await rate(t, rider, '00000000-0000-4000-8000-000000000000', { stars: 5 });
    assert.equal(unknown.status, 404);
    assert.deepEqual(await ratingsOf(t, tripId), []);
    assert.equal((await me(driver)).ratingsCount, 0);
  });

  test('a trip that is not completed, or completed more than 7 days ago, cannot be rated (409)', async () => {
    const rider = await t.signup('rider');
    const searching = await requestTrip(t, rider);
    assert.equal((await rate(t, rider, searching.id, { stars: 5 })).status, 409);
    await t.api('POST', `/api/v1/trips/${searching.id}/cancel-search`, { token: rider.accessToken });

    const late = await pairWithCompletedTrip();
    await query(t, `UPDATE $schema.trips SET completed_at = now() - interval '8 days' WHERE id = $1`, [late.tripId]);
    const res = await rate(t, late.rider, late.tripId, { stars: 5 });
    assert.equal(res.status, 409);
    assert.match(res.body.error.message, /7 days/);
    assert.deepEqual(await ratingsOf(t, late.tripId), []);
  });

  test("erasing an account removes the words of its ratings; the stars stay in the other person's rating", async () => {
    const { rider, driver, tripId } = await pairWithCompletedTrip();
    assert.equal(
      (await rate(t, rider, tripId, { stars: 4, comment: 'Ahmed drove well', tags: ['music'] })).status,
      201,
    );
    const erased = await t.api('DELETE', '/api/v1/me', {
      token: rider.accessToken,
      body: { password: 'password-123' },
    });
    assert.equal(erased.status, 204, JSON.stringify(erased.body));
    const [row] = await query<{ stars: number; comment: string | null; tags: string[] }>(
      t,
      'SELECT stars, comment, tags FROM $schema.trip_ratings WHERE trip_id = $1',
      [tripId],
    );
    assert.deepEqual(row, { stars: 4, comment: null, tags: [] });
    assert.equal((await me(driver)).rating, 4.8);
  });

  test('dispatch uses the rating: a driver rated under the 4.0 floor gets no offers, a 5.0 driver farther away does', async () => {
    const low = await t.driver();
    for (let i = 0; i < 2; i++) {
      const rider = await t.signup('rider');
      const tripId = await completedTrip(t, rider, low);
      assert.equal((await rate(t, rider, tripId, { stars: 1 })).status, 201);
    }
    assert.equal((await me(low)).rating, 3.4, '(1 + 1 + 3·5) / 5');
    await skipCooldown(t, low.id);
    const good = await t.driver();
    await reportPosition(t, low, PICKUP);
    await reportPosition(t, good, northOf(PICKUP, 1_500));

    const rider = await t.signup('rider');
    const trip = await requestTrip(t, rider);
    const offered = await eventually(async () => {
      const rows = await query<{ driver_id: string }>(
        t,
        'SELECT driver_id FROM $schema.trip_offers WHERE trip_id = $1',
        [trip.id],
      );
      return rows.length > 0 ? rows.map((r) => r.driver_id) : null;
    });
    assert.deepEqual(offered, [good.id], 'the nearest driver is under the floor');
  });
});
