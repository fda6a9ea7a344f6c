import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { tripOffers } from '../../src/modules/trips/index.js';
import { driverState, eventually, requestTrip, respond } from '../dispatch/support.js';
import { ack, record } from '../realtime/support.js';
import { BATTERY, district, near, offeredTo, providerAt, requestService, respondToRequest } from './support.js';

const TOW = { serviceTypes: ['tow', 'battery'], equipment: ['tow_truck', 'jump_starter'] };

/**
 * Who is offered a service request, and a whole job over sockets. The accept race and booked slots:
 * dispatch-accept.test.ts.
 */
describe('service requests on the ride dispatch engine (issue 18 #2, #7)', () => {
  let t: TestApp;

  before(async () => {
    // Inline first rounds (the default): offers go out right after the request commits.
    t = await startTestApp('service_dispatch');
    await t.listen();
  });
  after(() => t.close());

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
    await eventually(async () => (await offeredTo(t, battery.id)).length === 2);
    assert.deepEqual(await offeredTo(t, battery.id), [able.id, towing.id].sort(), 'skill + approval + area');
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
    await eventually(async () => (await offeredTo(t, tow.id)).length === 1);
    assert.deepEqual(await offeredTo(t, tow.id), [towing.id]);
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
    await eventually(async () => (await offeredTo(t, job.id)).length === 1);
    assert.deepEqual(await offeredTo(t, job.id), [free.id], 'the provider on the ride is not offered the job');

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
