import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { tripOffers } from '../../src/modules/trips/index.js';
import { eventually } from '../dispatch/support.js';
import { BATTERY, district, near, offeredTo, providerAt, requestService, respondToRequest } from './support.js';

/** Accepting a service request: one winner among 50, and booked slots against on-demand jobs. */
describe('service requests on the ride dispatch engine: accepting (issue 18 #2, #7)', () => {
  let t: TestApp;

  before(async () => {
    // Inline first rounds (the default): offers go out right after the request commits.
    // The default pool (30): 50 accepts wait on one row lock at once, each holding a connection meanwhile.
    t = await startTestApp('service_dispatch_accept');
    await t.listen();
  });
  after(() => t.close());

  const sql = (text: string, params: unknown[]) =>
    t.platform.database.pool.query(text.replaceAll('$schema', `"${t.schema}"`), params);

  test('50 providers racing to accept one request: exactly one assignment, 49 × 409', async () => {
    const customer = await t.signup('rider');
    // No positions: dispatch offers this request to nobody; the 50 offers are placed as a round would place them.
    const providers: TestUser[] = [];
    // Five at a time: signing up 50 at once only measures the test pool, not the race.
    while (providers.length < 50)
      providers.push(...(await Promise.all(Array.from({ length: 5 }, () => providerAt(t, null, BATTERY)))));
    const job = await requestService(t, customer, { location: district(3) });
    const ids = providers.map((p) => p.id);
    await tripOffers.insertForJob(t.platform.database.db, {
      jobId: job.id,
      driverIds: ids,
      round: 1,
      expiresAt: new Date(Date.now() + 120_000),
      distancesM: new Map(),
    });
    await sql(`UPDATE $schema.driver_profiles SET state = 'offered' WHERE user_id = ANY($1)`, [ids]);

    const answers = await Promise.all(providers.map((p) => respondToRequest(t, p, job.id, 'accept')));
    const statuses = answers.map((a) => a.status);
    assert.equal(statuses.filter((s) => s === 200).length, 1, 'one winner');
    // Every loser 409. On a loaded box the pool may shed some of the 50 queued transactions first (503 with
    // Retry-After, nothing written: the overload contract); a retry of those is a 409 like the rest.
    const others = statuses.filter((s) => s !== 200);
    assert.ok(
      others.every((s) => s === 409 || s === 503),
      JSON.stringify(answers.find((a) => a.status !== 200 && a.status !== 409 && a.status !== 503)?.body),
    );
    const shed = providers.filter((_, i) => statuses[i] === 503);
    for (const p of shed) assert.equal((await respondToRequest(t, p, job.id, 'accept')).status, 409);
    const winner = providers[answers.findIndex((a) => a.status === 200)]!;
    const rows = await sql(
      `SELECT (SELECT count(*)::int FROM $schema.service_requests WHERE id = $1 AND provider_id IS NOT NULL) AS assigned,
              (SELECT count(*)::int FROM $schema.provider_active_jobs WHERE job_id = $1) AS active,
              (SELECT count(*)::int FROM $schema.bookings WHERE service_request_id = $1) AS holds,
              (SELECT count(*)::int FROM $schema.trip_offers WHERE trip_id = $1 AND status = 'accepted') AS accepted,
              (SELECT count(*)::int FROM $schema.driver_profiles WHERE user_id = ANY($2) AND state = 'busy') AS busy,
              (SELECT provider_id FROM $schema.service_requests WHERE id = $1) AS provider`,
      [job.id, ids],
    );
    assert.deepEqual(rows.rows[0], { assigned: 1, active: 1, holds: 1, accepted: 1, busy: 1, provider: winner.id });
    // The losers' offers were withdrawn and they are free for other work.
    await eventually(async () => {
      const r = await sql(
        `SELECT count(*)::int AS n FROM $schema.driver_profiles WHERE user_id = ANY($1) AND state = 'available'`,
        [ids],
      );
      return r.rows[0].n === 49;
    });
  });

  test('bookings meet on-demand: an accept overlapping a booked slot is 409, and a slot overlapping the job cannot be booked', async () => {
    const at = district(4);
    const [customer, booker] = await Promise.all([t.signup('rider'), t.signup('rider')]);
    const provider = await providerAt(t, near(at, 1), BATTERY);
    const profile = await t.api('POST', '/api/v1/providers/me/profile', {
      token: provider.accessToken,
      body: { serviceTypes: ['battery'] },
    });
    assert.equal(profile.status, 201, JSON.stringify(profile.body));
    // A booked slot that starts in 30 minutes: inside the time an accepted roadside job holds the provider.
    const soon = Date.now() + 30 * 60_000;
    const slot = { startsAt: new Date(soon).toISOString(), endsAt: new Date(soon + 3600_000).toISOString() };
    const booked = await t.api('POST', '/api/v1/bookings', {
      token: booker.accessToken,
      body: { providerId: provider.id, serviceType: 'battery', ...slot, address: '12 Tahrir St, Cairo' },
    });
    assert.equal(booked.status, 201, JSON.stringify(booked.body));

    const job = await requestService(t, customer, { location: at });
    await eventually(async () => (await offeredTo(t, job.id)).length === 1);
    const refused = await respondToRequest(t, provider, job.id, 'accept');
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(refused.body.error.details.reason, 'booked_slot');
    assert.equal(
      (await sql(`SELECT status FROM $schema.service_requests WHERE id = $1`, [job.id])).rows[0].status,
      'searching',
    );

    // Slot cancelled: the accept goes through, and now a new booking over the job is refused.
    const cancel = await t.api('POST', `/api/v1/bookings/${booked.body.data.id}/status`, {
      token: booker.accessToken,
      body: { status: 'cancelled' },
    });
    assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
    await sql(
      `UPDATE $schema.trip_offers SET status = 'pending', expires_at = now() + interval '1 minute' WHERE trip_id = $1 AND driver_id = $2`,
      [job.id, provider.id],
    );
    assert.equal((await respondToRequest(t, provider, job.id, 'accept')).status, 200);
    const overlapping = await t.api('POST', '/api/v1/bookings', {
      token: booker.accessToken,
      body: { providerId: provider.id, serviceType: 'battery', ...slot, address: '12 Tahrir St, Cairo' },
    });
    assert.equal(overlapping.status, 409, JSON.stringify(overlapping.body));
    const list = await t.api('GET', '/api/v1/bookings', { token: customer.accessToken });
    assert.equal(list.status, 200);
    assert.equal(list.body.data.length, 0, 'the hold is not a booking anyone sees in their list');

    // The job ends: the hold ends with it, so the slot can be booked again.
    await t.api('POST', `/api/v1/service-requests/${job.id}/status`, {
      token: customer.accessToken,
      body: { status: 'cancelled' },
    });
    const again = await t.api('POST', '/api/v1/bookings', {
      token: booker.accessToken,
      body: { providerId: provider.id, serviceType: 'battery', ...slot, address: '12 Tahrir St, Cairo' },
    });
    assert.equal(again.status, 201, JSON.stringify(again.body));
  });
});
