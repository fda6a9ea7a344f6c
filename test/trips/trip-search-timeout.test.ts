/** The search timeout job: scheduled with the trip, transactional, and what it does to a trip when it fires. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { expireSearchTask } from '../../src/modules/trips/index.js';
import { withTransaction } from '../../src/platform/db/transaction.js';
import { SEARCH_TIMEOUT_MS } from '../../src/flows/request-trip.js';
import { OWN_OFFERS, TRIP_BODY, acceptedTrip, eventually, offer, query, requestTrip } from '../support/fixtures.js';

describe('trip search timeout job', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('trip_timeout', { ...OWN_OFFERS, DB_POOL_MAX: '10' });
  });
  after(async () => t.close());

  const jobsWithKey = async (key: string) =>
    query<{ run_at: Date }>(t, `SELECT run_at FROM "${t.schema}_jobs"._private_jobs WHERE key = $1`, [key]);
  const statusOf = async (rider: TestUser, tripId: string) =>
    (await t.api('GET', `/api/v1/trips/${tripId}`, { token: rider.accessToken })).body.data.status as string;

  test('requesting a trip schedules its search timeout in the same transaction', async () => {
    const rider = await t.signup('rider');
    const before = Date.now();
    const trip = await requestTrip(t, rider);
    const jobs = await jobsWithKey(`trip-search-timeout:${trip.id}`);
    assert.equal(jobs.length, 1);
    const delay = jobs[0]!.run_at.getTime() - before;
    assert.ok(Math.abs(delay - SEARCH_TIMEOUT_MS) < 10_000, `runs ~${SEARCH_TIMEOUT_MS} ms later, got ${delay}`);
  });

  test('a job enqueued in a transaction that rolls back never exists', async () => {
    const rider = await t.signup('rider');
    const trip = await requestTrip(t, rider);
    const key = `rollback-probe:${trip.id}`;
    await assert.rejects(
      withTransaction(t.platform.database.db, async (tx) => {
        await t.platform.jobs.enqueue(
          tx,
          expireSearchTask,
          { tripId: trip.id },
          { jobKey: key, runAt: new Date(Date.now() + 3_600_000) },
        );
        assert.equal((await jobsWithKey(key)).length, 0, 'not visible outside the transaction');
        throw new Error('business rule failed after enqueue');
      }),
      /business rule failed/,
    );
    assert.equal((await jobsWithKey(key)).length, 0);
    await withTransaction(t.platform.database.db, (tx) =>
      t.platform.jobs.enqueue(
        tx,
        expireSearchTask,
        { tripId: trip.id },
        { jobKey: key, runAt: new Date(Date.now() + 3_600_000) },
      ),
    );
    assert.equal((await jobsWithKey(key)).length, 1, 'the same enqueue committed does exist');
  });

  test(
    'when the timeout fires a searching trip ends as no_drivers (offers expire); an accepted one is left ' + 'alone',
    async () => {
      const [searchingRider, acceptedRider] = await Promise.all([t.signup('rider'), t.signup('rider')]);
      const [driver, busyDriver] = await Promise.all([t.driver(), t.driver()]);
      const searching = await requestTrip(t, searchingRider);
      await offer(t, searching.id, [driver.id]);
      const accepted = await acceptedTrip(t, acceptedRider, busyDriver);
      // The worker starts only now, so nothing else (dispatch rounds) touched these trips before.
      await t.platform.jobs.start();
      for (const trip of [searching, accepted]) {
        // Same job key: replaces the 5-minute job with one due now.
        await t.platform.jobs.enqueue(
          t.platform.database.db,
          expireSearchTask,
          { tripId: trip.id },
          { jobKey: `trip-search-timeout:${trip.id}`, runAt: new Date() },
        );
      }
      await eventually(async () => (await statusOf(searchingRider, searching.id)) === 'no_drivers');
      await eventually(async () => (await jobsWithKey(`trip-search-timeout:${accepted.id}`)).length === 0);
      assert.equal(await statusOf(acceptedRider, accepted.id), 'accepted');

      const offers = await query<{ status: string }>(t, 'SELECT status FROM $schema.trip_offers WHERE trip_id = $1', [
        searching.id,
      ]);
      assert.deepEqual(
        offers.map((o) => o.status),
        ['expired'],
      );
      const late = await t.api('POST', `/api/v1/trips/${searching.id}/driver-response`, {
        token: driver.accessToken,
        body: { action: 'accept' },
      });
      assert.equal(late.status, 409, 'too late to accept');
      const again = await t.api('POST', '/api/v1/trips', { token: searchingRider.accessToken, body: TRIP_BODY });
      assert.equal(again.status, 201, 'the rider may search again');
    },
  );
});
