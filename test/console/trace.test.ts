/**
 * Issue 19.4 through the API: a trip's trace tells each offer's score, distance and answer time, each push's
 * delivery, and the quoted and charged price lines; a service request's trace tells its status changes with the
 * actor, offers, quote revisions, proof (with an image staff can fetch), notices, chat, ledger transfers and the
 * provider's route over the job's window only. Staff without the trips grant get 403.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { FakeHttpProvider } from '../notifications/fakes.js';
import { DROPOFF, PICKUP, eventually } from '../dispatch/support.js';
import { staffUser } from './support.js';
import { call, completedDispatchedTrip, completedServiceJob, DEADLINE_MS, jobsAndPushes } from './trace-support.js';
const sum = (lines: Array<{ amount: number }>) => lines.reduce((a, l) => a + l.amount, 0);

describe('trip and job trace', () => {
  let t: TestApp;
  let fcm: FakeHttpProvider;
  let dispatcher: TestUser;
  let finance: TestUser;

  before(async () => {
    fcm = await FakeHttpProvider.start();
    t = await startTestApp('console_trace', { PUSH_URL: fcm.url, PROVIDER_TIMEOUT_MS: '5000', JOBS_CONCURRENCY: '4' });
    await t.platform.jobs.start();
    [dispatcher, finance] = await Promise.all([staffUser(t, ['dispatcher']), staffUser(t, ['finance'])]);
  });
  after(async () => {
    await t.close();
    await fcm.close();
  });

  const get = (user: TestUser, path: string) => t.api('GET', path, { token: user.accessToken });
  test("a trip's trace: each offer's score, distance and answer time, each push's delivery, quoted and charged lines", async () => {
    const { trip, driver, rider } = await completedDispatchedTrip(t);
    // The offer push is delivered by a job: wait until its delivery row says so.
    const trace = await eventually(async () => {
      const res = await get(dispatcher, `/api/v1/admin/trips/${trip.id}/trace`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const pushes = res.body.data.offers.flatMap((o: { push: Array<{ status: string }> }) => o.push);
      return pushes.some((p: { status: string }) => p.status === 'sent') ? res.body.data : null;
    }, DEADLINE_MS).catch(async (err: Error) => assert.fail(`${err.message}; ${await jobsAndPushes(t, trip.id)}`));
    assert.equal(trace.offers.length, 1);
    const offer = trace.offers[0];
    assert.equal(offer.driverId, driver.id);
    assert.equal(offer.status, 'accepted');
    assert.ok(offer.score > 0 && offer.score <= 1, `a weighted dispatch score, got ${offer.score}`);
    assert.ok(Math.abs(offer.distanceToPickupM - 400) < 30, `distance ${offer.distanceToPickupM}`);
    assert.ok(Date.parse(offer.answeredAt) >= Date.parse(offer.offeredAt), 'answered after it was offered');
    const push = offer.push.find((p: { kind: string }) => p.kind === 'offer');
    assert.deepEqual([push.channel, push.status, push.attempts], ['push', 'sent', 1]);
    assert.ok(push.sentAt, 'the push says when it went out');

    const { quote, receipt } = trace.price;
    assert.equal(quote.total, trip.fare.amount, 'the quote is what the rider accepted');
    assert.ok(quote.items.length > 0 && sum(quote.items) === quote.total, JSON.stringify(quote));
    assert.ok(receipt.items.length > 0 && sum(receipt.items) === receipt.total, JSON.stringify(receipt));
    assert.ok(
      receipt.items.every((l: { label: string }) => l.label.length > 0),
      'lines carry a label',
    );
    // Progress notices are stored and pushed by jobs: wait for the rider's "completed" notice to be pushed.
    type Notice = { userId: string; template: string; deliveries: Array<{ channel: string; status: string }> };
    const pushed = (n: Notice) => n.deliveries.some((d) => d.channel === 'push' && d.status === 'sent');
    const notices = (await eventually(async () => {
      const res = await get(dispatcher, `/api/v1/admin/trips/${trip.id}/trace`);
      const all = res.body.data.notices as Notice[];
      return all.some((n) => n.template === 'trip.completed' && n.userId === rider.id && pushed(n)) ? all : null;
    }, DEADLINE_MS))!;
    assert.ok(
      notices.some((n) => n.userId === rider.id && n.template === 'trip.accepted'),
      JSON.stringify(notices.map((n) => n.template)),
    );
    assert.equal((await get(finance, `/api/v1/admin/trips/${trip.id}/trace`)).status, 403);
  });

  test("a trip not yet charged shows its quote and no receipt's lines", async () => {
    const rider = await t.signup('rider');
    const created = await call(t, rider, 'POST', '/api/v1/trips', {
      pickup: PICKUP,
      dropoff: DROPOFF,
      vehicleClass: 'economy',
      paymentMethod: 'cash',
    });
    const res = await get(dispatcher, `/api/v1/admin/trips/${created.id}/trace`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.data.price.receipt, null);
    assert.equal(sum(res.body.data.price.quote.items), created.fare.amount);
  });

  test("a service request's trace: status changes with the actor, the offer, quote revisions, proof and money", async () => {
    const { job, provider, customer } = await completedServiceJob(t);
    const res = await get(dispatcher, `/api/v1/admin/service-requests/${job.id}/trace`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const trace = res.body.data;
    assert.equal(trace.request.status, 'completed');
    const moves = trace.events
      .filter((e: { type: string }) => e.type === 'service_request.status_changed')
      .map((e: { actorId: string; payload: { to: string } }) => [e.payload.to, e.actorId]);
    assert.deepEqual(moves.slice(-3), [
      ['quoted', provider.id],
      ['in_progress', provider.id],
      ['completed', provider.id],
    ]);
    assert.ok(
      moves.some(([to]: [string]) => to === 'en_route'),
      JSON.stringify(moves),
    );
    assert.equal(trace.offers.length, 1);
    assert.equal(trace.offers[0].driverId, provider.id);
    assert.equal(trace.offers[0].status, 'accepted');
    assert.ok(typeof trace.offers[0].score === 'number', 'the provider was ranked with a score');
    assert.deepEqual(
      trace.quotes.map((q: { revision: number; total: number; status: string }) => [q.revision, q.total, q.status]),
      [
        [1, 9_000, 'superseded'],
        [2, 5_000, 'approved'],
      ],
    );
    assert.deepEqual(
      trace.proofs.map((p: { kind: string; uploadedBy: string }) => [p.kind, p.uploadedBy]),
      [['photo', provider.id]],
    );
    assert.deepEqual(
      trace.chat.map((m: { from: string; text: string }) => [m.from, m.text]),
      [
        [customer.id, 'Silver car by the ring road'],
        [provider.id, 'I can see you'],
      ],
    );
    assert.ok(trace.transfers.length > 0, 'the settlement moved money under service:<id>');
    assert.equal((await get(finance, `/api/v1/admin/service-requests/${job.id}/trace`)).status, 403);
    const unknown = await get(dispatcher, `/api/v1/admin/service-requests/${crypto.randomUUID()}/trace`);
    assert.equal(unknown.status, 404);
  });

  test("a job's trace replays the provider's route over the job's window only, oldest first", async () => {
    const { job, trail, outside } = await completedServiceJob(t);
    const trace = (await get(dispatcher, `/api/v1/admin/service-requests/${job.id}/trace`)).body.data;
    type Point = { lat: number; lng: number; at: string };
    const points = trace.route.points as Point[];
    assert.deepEqual(
      points.map((p) => [p.lat, p.lng]),
      trail.map((p) => [p.lat, p.lng]),
      'the fixes sent while on the job, none from before the assignment or after completion',
    );
    for (const o of outside) assert.ok(!points.some((p) => p.lat === o.lat), `fix ${o.lat} is outside the job`);
    const times = points.map((p) => Date.parse(p.at));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
    );
    const moved = (to: string) =>
      trace.events.find((e: { type: string; payload: { to?: string } }) => e.payload?.to === to)!.createdAt;
    assert.ok(times[0]! >= Date.parse(moved('assigned')) && times.at(-1)! <= Date.parse(moved('completed')));
    assert.ok(trace.route.distanceM > 100, `about 130 m driven, got ${trace.route.distanceM}`);
  });

  test("a job's proof image is served to staff with their token only, and its notices are listed", async () => {
    const { job, customer, provider } = await completedServiceJob(t);
    const trace = (await get(dispatcher, `/api/v1/admin/service-requests/${job.id}/trace`)).body.data;
    const url = `${await t.listen()}${trace.proofs[0].thumbnailUrl}`;
    assert.doesNotMatch(url, /sig=|token=/, 'no credential in the URL');
    const image = await fetch(url, { headers: { authorization: `Bearer ${dispatcher.accessToken}` } });
    assert.equal(image.status, 200);
    assert.match(image.headers.get('content-type') ?? '', /^image\/(jpeg|png)$/);
    const bytes = Buffer.from(await image.arrayBuffer());
    assert.ok(bytes.length > 100 && [0xff, 0x89].includes(bytes[0]!), 'a JPEG or PNG thumbnail');
    const asFinance = await fetch(url, { headers: { authorization: `Bearer ${finance.accessToken}` } });
    assert.equal(asFinance.status, 403);
    assert.equal((await fetch(url)).status, 401);
    const other = url.replace(job.id, crypto.randomUUID());
    assert.equal((await fetch(other, { headers: { authorization: `Bearer ${dispatcher.accessToken}` } })).status, 404);
    // Progress notices are stored by jobs: wait for the customer's "completed" one.
    const notices = await eventually(async () => {
      const all = (await get(dispatcher, `/api/v1/admin/service-requests/${job.id}/trace`)).body.data.notices;
      return all.some((n: { template: string }) => n.template === 'service_request.completed') ? all : null;
    }, DEADLINE_MS);
    const parties = notices.map((n: { userId: string; template: string }) => [n.template, n.userId]);
    assert.ok(
      parties.some(([template, to]: string[]) => template === 'service_request.completed' && to === customer.id),
      JSON.stringify(parties),
    );
    assert.ok(
      parties.some(([template, to]: string[]) => template === 'service_request.quote_approved' && to === provider.id),
      JSON.stringify(parties),
    );
    assert.ok(
      parties.every(([, to]: string[]) => to === customer.id || to === provider.id),
      'only the two parties',
    );
  });
});
