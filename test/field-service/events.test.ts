import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { LEDGER_TEST_ENV } from '../ledger/support.js';
import { ack, eventually, record } from '../realtime/support.js';
import { assignBySql, requestService } from './support.js';

const LINES = [{ kind: 'labour', label: 'Jump start', qty: 1, unitAmount: 3_000 }];

describe('service request events over real sockets, with the seed plan’s names (issue 18 #4)', () => {
  let t: TestApp;

  before(async () => {
    t = await startTestApp('service_events', LEDGER_TEST_ENV);
    await t.listen();
  });
  after(() => t.close());

  const post = async (who: TestUser, id: string, path: string, body: unknown) => {
    const res = await t.api('POST', `/api/v1/service-requests/${id}/${path}`, { token: who.accessToken, body });
    assert.equal(res.status, 200, `${path}: ${JSON.stringify(res.body)}`);
  };

  test('the customer hears request_status_changed and the typed request:* events, in seq order, and can sync', async () => {
    const [customer, provider] = await Promise.all([t.signup('rider'), t.driver()]);
    const socket = await t.connectSocket(customer.accessToken);
    const seen = record(socket, ['request_status_changed', 'request:arrived', 'request:quoted', 'request:cancelled']);
    const req = await requestService(t, customer);
    await assignBySql(t, req.id, provider.id);
    await post(provider, req.id, 'status', { status: 'en_route' });
    await post(provider, req.id, 'status', { status: 'arrived' });
    await post(provider, req.id, 'quote', { items: LINES });
    await post(customer, req.id, 'status', { status: 'cancelled' });

    await eventually(() => seen.length >= 7);
    assert.equal(seen.length, 7);
    const generic = seen.filter((e) => e.event === 'request_status_changed').map((e) => e.payload);
    assert.deepEqual(
      generic.map((p) => [p.requestId, p.from, p.to]),
      [
        [req.id, 'assigned', 'en_route'],
        [req.id, 'en_route', 'arrived'],
        [req.id, 'arrived', 'quoted'],
        [req.id, 'quoted', 'cancelled'],
      ],
    );
    assert.deepEqual(
      generic.map((p) => p.version),
      [3, 4, 5, 6],
    );
    for (const p of generic) assert.ok(typeof p.at === 'string' && typeof p.seq === 'number');
    const seqs = generic.map((p) => p.seq as number);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
    );
    const typed = seen.filter((e) => e.event !== 'request_status_changed');
    assert.deepEqual(
      typed.map((e) => [e.event, e.payload.seq]),
      [
        ['request:arrived', seqs[1]],
        ['request:quoted', seqs[2]],
        ['request:cancelled', seqs[3]],
      ],
      'a typed event carries the same seq as its generic twin',
    );

    const room = `request:${req.id}`;
    const missed = await ack(socket, 'sync', { room, lastSeq: seqs[1] });
    assert.equal(missed.ok, true, JSON.stringify(missed));
    assert.deepEqual(
      missed.data.events.map((e: { payload: { to: string } }) => e.payload.to),
      ['quoted', 'cancelled'],
    );
    const snap = await ack(socket, 'sync', { room, lastSeq: seqs[3]! + 1000 });
    assert.equal(snap.data.snapshot.request.status, 'cancelled');
    assert.match(snap.data.snapshot.request.completionCode, /^\d{4}$/, 'the customer’s snapshot has the code');
    socket.disconnect();
  });

  test('request:subscribe: members join (the provider’s snapshot has no code), strangers are FORBIDDEN', async () => {
    const [customer, provider, stranger] = await Promise.all([t.signup('rider'), t.driver(), t.signup('rider')]);
    const req = await requestService(t, customer);
    await assignBySql(t, req.id, provider.id);
    const [mine, theirs] = await Promise.all([
      t.connectSocket(provider.accessToken),
      t.connectSocket(stranger.accessToken),
    ]);
    const joined = await ack(mine, 'request:subscribe', { requestId: req.id });
    assert.equal(joined.ok, true, JSON.stringify(joined));
    assert.equal(joined.data.room, `request:${req.id}`);
    const snap = await ack(mine, 'sync', { room: `request:${req.id}`, lastSeq: 1000 });
    assert.equal(snap.data.snapshot.request.completionCode, undefined);
    const refused = await ack(theirs, 'request:subscribe', { requestId: req.id });
    assert.deepEqual([refused.ok, refused.error?.code], [false, 'FORBIDDEN']);
    const bad = await ack(theirs, 'request:subscribe', { requestId: 'nope' });
    assert.equal(bad.error?.code, 'VALIDATION_ERROR');
    mine.disconnect();
    theirs.disconnect();
  });

  test('mechanic:location_update / _stop are first-class: the customer gets request:eta_update and the stop', async () => {
    const [customer, provider] = await Promise.all([t.signup('rider'), t.driver()]);
    const req = await requestService(t, customer);
    await assignBySql(t, req.id, provider.id);
    await post(provider, req.id, 'status', { status: 'en_route' });
    const [watching, mechanic] = await Promise.all([
      t.connectSocket(customer.accessToken),
      t.connectSocket(provider.accessToken),
    ]);
    const seen = record(watching, ['request:eta_update', 'request:provider_location_stopped']);
    // Connected after the request's events: the app re-joins the room, as after any reconnect.
    assert.equal((await ack(watching, 'request:subscribe', { requestId: req.id })).ok, true);
    // ~2 km south-west of the breakdown at Tahrir.
    const fix = { lat: 30.03, lng: 31.22, timestamp: Date.now() };
    const first = await ack(mechanic, 'mechanic:location_update', fix);
    assert.deepEqual(first, { ok: true, data: { accepted: true } });
    const burst = await ack(mechanic, 'mechanic:location_update', { ...fix, timestamp: Date.now() });
    assert.equal(burst.data.accepted, false, 'the driver throttle applies: < 2 s apart is coalesced');
    const bad = await ack(mechanic, 'mechanic:location_update', { lat: 123, lng: 31.2, timestamp: Date.now() });
    assert.equal(bad.error?.code, 'VALIDATION_ERROR');
    const byCustomer = await ack(watching, 'mechanic:location_update', fix);
    assert.equal(byCustomer.error?.code, 'FORBIDDEN');

    await eventually(() => seen.length >= 1);
    const eta = seen[0]!;
    assert.equal(eta.event, 'request:eta_update');
    assert.equal(eta.payload.requestId, req.id);
    assert.ok(eta.payload.distanceM > 1_500 && eta.payload.distanceM < 4_000, JSON.stringify(eta.payload));
    assert.ok(eta.payload.etaS > 0);

    const stop = await ack(mechanic, 'mechanic:location_stop', {});
    assert.equal(stop.ok, true);
    await eventually(() => seen.length >= 2);
    assert.deepEqual(
      [seen[1]!.event, seen[1]!.payload.requestId, seen[1]!.payload.at],
      ['request:provider_location_stopped', req.id, stop.data.stoppedAt],
    );
    watching.disconnect();
    mechanic.disconnect();
  });
});
