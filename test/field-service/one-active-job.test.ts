import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { offerTrip } from '../../src/modules/trips/index.js';
import { LEDGER_TEST_ENV } from '../ledger/support.js';
import { requestTrip, respond } from '../dispatch/support.js';
import { complete, startedRide, spot as rideSpot } from '../pricing/rides.js';
import { assignBySql, requestService, spot } from './support.js';

/**
 * Issue 18 #2: one active job per provider, ride or service request, held by the database. Service requests are
 * assigned here by SQL, so this suite proves the constraint whatever code path writes the assignment (the accept
 * path through dispatch is in dispatch.test.ts and dispatch-accept.test.ts).
 */
describe('one active job per provider across rides and service requests (issue 18 #2)', () => {
  let t: TestApp;

  before(async () => {
    t = await startTestApp('one_active_job', LEDGER_TEST_ENV);
  });
  after(() => t.close());

  const assign = (requestId: string, providerId: string) => assignBySql(t, requestId, providerId);
  const offerRide = async (rider: TestUser, driver: TestUser, at: { lat: number; lng: number }) => {
    const trip = await requestTrip(t, rider, { pickup: at });
    const expiresAt = new Date(Date.now() + 60_000);
    await offerTrip(t.platform.database.db, { tripId: trip.id, driverIds: [driver.id], round: 1, expiresAt });
    return trip.id;
  };

  test('a provider on a service job cannot accept a ride (409, the ride still searching) until the job ends', async () => {
    const [customer, rider, provider] = await Promise.all([t.signup('rider'), t.signup('rider'), t.driver()]);
    const job = await requestService(t, customer);
    await assign(job.id, provider.id);
    const tripId = await offerRide(rider, provider, rideSpot(1));

    const busy = await respond(t, provider, tripId, { action: 'accept' });
    assert.equal(busy.status, 409, JSON.stringify(busy.body));
    const trip = await t.api('GET', `/api/v1/trips/${tripId}`, { token: rider.accessToken });
    assert.deepEqual([trip.body.data.status, trip.body.data.driverId], ['searching', null]);

    const cancelled = await t.api('POST', `/api/v1/service-requests/${job.id}/status`, {
      token: customer.accessToken,
      body: { status: 'cancelled' },
    });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    const free = await respond(t, provider, tripId, { action: 'accept' });
    assert.equal(free.status, 200, JSON.stringify(free.body));
  });

  test('a driver on a ride cannot be assigned a service job; once the ride is completed they can', async () => {
    const [customer, rider, driver] = await Promise.all([t.signup('rider'), t.signup('rider'), t.driver()]);
    const tripId = await startedRide(t, { rider, driver }, { pickup: rideSpot(3), paymentMethod: 'cash' });
    const job = await requestService(t, customer, { location: spot(3) });
    await assert.rejects(assign(job.id, driver.id), (err: { code?: string; constraint?: string }) => {
      assert.equal(err.code, '23505');
      assert.equal(err.constraint, 'provider_active_jobs_one_per_provider');
      return true;
    });
    await complete(t, driver, tripId);
    const done = await assign(job.id, driver.id);
    assert.equal(done.rowCount, 1);
  });

  test('20 concurrent assignments of one provider to 20 open requests: exactly one holds', async () => {
    const provider = await t.driver();
    const customers = await Promise.all(Array.from({ length: 20 }, () => t.signup('rider')));
    const jobs = await Promise.all(customers.map((c, i) => requestService(t, c, { location: spot(30 + i) })));
    const outcomes = await Promise.allSettled(jobs.map((job) => assign(job.id, provider.id)));
    const won = outcomes.filter((o) => o.status === 'fulfilled' && o.value.rowCount === 1);
    assert.equal(won.length, 1);
    const held = await t.platform.database.pool.query(
      `SELECT count(*)::int AS n FROM "${t.schema}".service_requests WHERE provider_id = $1`,
      [provider.id],
    );
    assert.equal(held.rows[0].n, 1);
  });
});
