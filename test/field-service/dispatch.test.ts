import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { tripOffers } from '../../src/modules/trips/index.js';
import { driverState, eventually, requestTrip, respond } from '../dispatch/support.js';
import { ack, record } from '../realtime/support.js';
import { district, providerAt, requestService, respondToRequest } from './support.js';

const BATTERY = { serviceTypes: ['battery'], equipment: ['jump_starter'] };
const TOW = { serviceTypes: ['tow', 'battery'], equipment: ['tow_truck', 'jump_starter'] };
/** A few hundred metres from a district's centre. */
const near = (at: { lat: number; lng: number }, i: number) => ({ lat: at.lat + i * 0.002, lng: at.lng + i * 0.001 });

describe('service requests on the ride dispatch engine (issue 18 #2, #7)', () => {
  let t: TestApp;

  before(async () => {
    // Inline first rounds (the default): offers go out right after the request commits.
    // The default pool (30): 50 accepts wait on one row lock at once, each holding a connection meanwhile.
    t = await startTestApp('service_dispatch');
    await t.listen();
  });
  after(() => t.close());

  const sql = (text: string, params: unknown[]) =>
    t.platform.database.pool.query(text.replaceAll('$schema', `"${t.schema}"`), params);
  const offeredTo = async (requestId: string) =>
    (await tripOffers.list(t.platform.database.db, requestId)).map((o) => o.driver_id).sort();

  test('offered over request:offer only to approved, available providers with the skill, the tow truck and the area', async () => {
    const at = district(1);
    const customer = await t.signup('rider');
    const [able, pending, otherSkill, outOfArea, towing] = await Promise.all([
      providerAt(t, near(at, 1), BATTERY),
      providerAt(t, near(at, 2), { ...BATTERY, approve: false }),
      providerAt(t, near(at, 3), { serviceTypes: ['tyre'], equipment: ['tyre_kit'] }),
      providerAt(t, near(at, 4), { ...BATTERY, serviceArea: { center: district(5), radiusM: 5_000 } }),
      providerAt(t, near(at, 5), TOW),
    ]);
    const sockets = await Promise.all(
      [able, pending, otherSkill, outOfArea, towing].map((p) => t.connectSocket(p.accessToken)),
    );
    const seen = sockets.map((s) => record(s, ['request:offer', 'trip:offer']));

    const battery = await requestService(t, customer, { location: at });
    await eventually(async () => (await offeredTo(battery.id)).length === 2);
    assert.deepEqual(await offeredTo(battery.id), [able.id, towing.id].sort(), 'skill + approval + area');
    await eventually(() => seen[0]!.length === 1 && seen[4]!.length === 1);
    const offer = seen[0]![0]!;
    assert.equal(offer.event, 'request:offer');
    assert.deepEqual(
      Object.keys(offer.payload)
        .filter((k) => k !== 'seq' && k !== 'room')
        .sort(),
      ['distanceM', 'expiresAt', 'fareEstimate', 'location', 'requestId', 'serviceType'],
    );
    assert.equal(offer.payload.requestId, battery.id);
    assert.equal(offer.payload.serviceType, 'battery');
    assert.deepEqual(offer.payload.fareEstimate, { amount: battery.estimate.total, currency: 'EGP' });
    assert.ok(offer.payload.distanceM > 100 && offer.payload.distanceM < 600, JSON.stringify(offer.payload));
    assert.ok(Date.parse(offer.payload.expiresAt) > Date.now());
    for (const i of [1, 2, 3]) assert.equal(seen[i]!.length, 0, `provider ${i} heard nothing`);

    // The two offered providers decline: they are free again, and the tow can only go to the one with a tow truck.
    for (const p of [able, towing]) assert.equal((await respondToRequest(t, p, battery.id, 'decline')).status, 200);
    assert.equal((await driverState(t, able.id)).state, 'available');
    await t.api('POST', `/api/v1/service-requests/${battery.id}/status`, {
      token: customer.accessToken,
      body: { status: 'cancelled' },
    });
    const tow = await requestService(t, customer, {
      serviceType: 'tow',
      location: at,
      destination: { ...near(at, 8), address: 'Garage' },
    });
    await eventually(async () => (await offeredTo(tow.id)).length === 1);
    assert.deepEqual(await offeredTo(tow.id), [towing.id]);
    for (const s of sockets) s.disconnect();
  });

  test('a provider on a ride is never offered a service job, and cannot accept one while the ride lasts (409)', async () => {
    const at = district(2);
    const [rider, customer] = await Promise.all([t.signup('rider'), t.signup('rider')]);
    const onRide = await providerAt(t, near(at, 1), BATTERY);
    const trip = await requestTrip(t, rider, { pickup: near(at, 1) });
    await eventually(async () => (await tripOffers.list(t.platform.database.db, trip.id)).length === 1);
    assert.equal((await respond(t, onRide, trip.id, { action: 'accept' })).status, 200);
    const free = await providerAt(t, near(at, 2), BATTERY);

    const job = await requestService(t, customer, { location: at });
    await eventually(async () => (await offeredTo(job.id)).length === 1);
    assert.deepEqual(await offeredTo(job.id), [free.id], 'the provider on the ride is not offered the job');

    // Even holding an offer (placed by hand), the database keeps the provider on the ride off the job.
    await tripOffers.insertForJob(t.platform.database.db, {
      jobId: job.id,
      driverIds: [onRide.id],
      round: 1,
      expiresAt: new Date(Date.now() + 60_000),
      distancesM: new Map(),
    });
    const refused = await respondToRequest(t, onRide, job.id, 'accept');
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    const view = await t.api('GET', `/api/v1/service-requests/${job.id}`, { token: customer.accessToken });
    assert.deepEqual([view.body.data.status, view.body.data.providerId], ['searching', null]);
    assert.equal((await respondToRequest(t, free, job.id, 'accept')).status, 200);
  });

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
    await eventually(async () => (await offeredTo(job.id)).length === 1);
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

  test('a full roadside job over real sockets with the seed’s event names', async () => {
    const at = district(6);
    const customer = await t.signup('rider');
    const [first, second] = await Promise.all([providerAt(t, null, BATTERY), providerAt(t, null, BATTERY)]);
    const [watching, mechanic, rival] = await Promise.all([
      t.connectSocket(customer.accessToken),
      t.connectSocket(first.accessToken),
      t.connectSocket(second.accessToken),
    ]);
    // Providers go online over the socket, as the mechanic app does.
    for (const [socket, i] of [
      [mechanic, 2],
      [rival, 3],
    ] as const)
      assert.equal((await ack(socket, 'mechanic:location_update', { ...near(at, i), timestamp: Date.now() })).ok, true);
    const heard = record(watching, [
      'request_status_changed',
      'request:assigned',
      'request:eta_update',
      'request:arrived',
    ]);
    const mine = record(mechanic, ['request:offer', 'request:assigned']);
    const theirs = record(rival, ['request:offer', 'request:offer_withdrawn']);

    const job = await requestService(t, customer, { location: at });
    await eventually(() => mine.length === 1 && theirs.length === 1);
    assert.equal(mine[0]!.event, 'request:offer');
    const won = await respondToRequest(t, first, job.id, 'accept');
    assert.equal(won.status, 200, JSON.stringify(won.body));
    assert.deepEqual([won.body.data.status, won.body.data.providerId], ['assigned', first.id]);
    assert.equal(won.body.data.completionCode, undefined, 'the provider never sees the completion code');
    const lost = await respondToRequest(t, second, job.id, 'accept');
    assert.equal(lost.status, 409);
    await eventually(() => theirs.some((e) => e.event === 'request:offer_withdrawn'));

    const post = (status: string) =>
      t.api('POST', `/api/v1/service-requests/${job.id}/status`, { token: first.accessToken, body: { status } });
    assert.equal((await post('en_route')).status, 200);
    // ~240 m from the first fix: 10 s later is a drive (~90 km/h), not an impossible jump, however fast the test runs.
    const fix = { ...near(at, 1), timestamp: Date.now() + 10_000 };
    assert.deepEqual(await ack(mechanic, 'mechanic:location_update', fix), { ok: true, data: { accepted: true } });
    assert.equal((await post('arrived')).status, 200);

    await eventually(
      () => heard.some((e) => e.event === 'request:arrived') && heard.some((e) => e.event === 'request:eta_update'),
    );
    const generic = heard
      .filter((e) => e.event === 'request_status_changed')
      .map((e) => [e.payload.from, e.payload.to]);
    assert.deepEqual(generic, [
      ['searching', 'assigned'],
      ['assigned', 'en_route'],
      ['en_route', 'arrived'],
    ]);
    assert.ok(heard.some((e) => e.event === 'request:assigned' && e.payload.requestId === job.id));
    assert.ok(
      mine.some((e) => e.event === 'request:assigned'),
      'the provider hears the assignment in the room too',
    );
    const eta = heard.find((e) => e.event === 'request:eta_update')!;
    assert.equal(eta.payload.requestId, job.id);
    assert.ok(eta.payload.distanceM > 0 && eta.payload.etaS > 0, JSON.stringify(eta.payload));
    for (const s of [watching, mechanic, rival]) s.disconnect();
  });
});

describe('a service request nobody takes ends no_providers after the rounds (issue 18 #2)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('service_dispatch_none', { DISPATCH_TIME_SCALE: '0.01', DB_POOL_MAX: '6' });
    await t.listen();
    await t.platform.jobs.start(); // later rounds are jobs
  });
  after(() => t.close());

  test('no provider able to serve ⇒ no_providers, the customer hears it', async () => {
    const customer = await t.signup('rider');
    // Near, online, but without the skill: never offered.
    await providerAt(t, district(7), { serviceTypes: ['tyre'], equipment: ['tyre_kit'] });
    const socket = await t.connectSocket(customer.accessToken);
    const heard = record(socket, ['request_status_changed']);
    const job = await requestService(t, customer, { location: district(7) });
    await eventually(() => heard.some((e) => e.payload.to === 'no_providers'), 20_000);
    const view = await t.api('GET', `/api/v1/service-requests/${job.id}`, { token: customer.accessToken });
    assert.equal(view.body.data.status, 'no_providers');
    const offers = await tripOffers.list(t.platform.database.db, job.id);
    assert.equal(offers.length, 0);
    socket.disconnect();
  });
});
