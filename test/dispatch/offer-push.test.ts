import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { FakeHttpProvider } from '../notifications/fakes.js';
import { DROPOFF, PICKUP, driverAt, eventually, northOf, respond, watchOffers } from './support.js';

interface FcmBody {
  message: {
    token: string;
    notification?: unknown;
    data: Record<string, string>;
    android: { priority: string; ttl?: string; collapse_key?: string };
    apns: { headers: Record<string, string> };
  };
}

/** Issue 17 points 1–2: offers reach a backgrounded driver by push, and drivers can list them over HTTP. */
describe('trip offers by push and over HTTP', () => {
  let t: TestApp;
  let fcm: FakeHttpProvider;
  before(async () => {
    fcm = await FakeHttpProvider.start();
    t = await startTestApp('offer_push', { PUSH_URL: fcm.url, PROVIDER_TIMEOUT_MS: '2000', JOBS_CONCURRENCY: '4' });
    await t.platform.jobs.start();
  });
  after(async () => {
    await t.close();
    await fcm.close();
  });
  beforeEach(() => (fcm.requests.length = 0));

  const pushesTo = (token: string): FcmBody[] =>
    fcm.requests.map((r) => JSON.parse(r.body) as FcmBody).filter((b) => b.message.token === token);
  const withToken = async (driver: TestUser, token: string) => {
    const res = await t.api('POST', '/api/v1/me/push-tokens', {
      token: driver.accessToken,
      body: { token, platform: 'android' },
    });
    assert.ok(res.status < 300, JSON.stringify(res.body));
    return driver;
  };
  async function quotedTrip(rider: TestUser) {
    const estimate = await t.api('POST', '/api/v1/pricing/estimate', {
      token: rider.accessToken,
      body: { pickup: PICKUP, dropoff: DROPOFF, vehicleClass: 'economy' },
    });
    assert.equal(estimate.status, 200, JSON.stringify(estimate.body));
    const created = await t.api('POST', '/api/v1/trips', {
      token: rider.accessToken,
      body: {
        pickup: PICKUP,
        dropoff: DROPOFF,
        vehicleClass: 'economy',
        paymentMethod: 'cash',
        quoteId: estimate.body.data.quotes[0].quoteId,
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body.data as { id: string; fare: { amount: number } };
  }

  test('a driver with no socket gets the offer as a data push, lists it over HTTP and accepts it', async () => {
    const rider = await t.signup('rider');
    const driver = await withToken(await driverAt(t, northOf(PICKUP, 400)), 'tok-no-socket');
    const trip = await quotedTrip(rider);

    const push = (await eventually(() => pushesTo('tok-no-socket')[0]))!;
    const m = push.message;
    assert.equal(m.notification, undefined, 'data-only: the app draws the offer card');
    assert.equal(m.data.type, 'trip_offer');
    assert.equal(m.data.tripId, trip.id);
    assert.deepEqual(JSON.parse(m.data.pickup!), PICKUP);
    assert.deepEqual(JSON.parse(m.data.dropoff!), DROPOFF);
    assert.ok(Math.abs(Number(m.data.distanceToPickupM) - 400) < 20, `distance ${m.data.distanceToPickupM}`);
    assert.ok(Number(m.data.tripDistanceM) > 0 && Number(m.data.durationS) > 0, 'quoted route in the push');
    assert.equal(JSON.parse(m.data.fareEstimate!).amount, trip.fare.amount);
    const left = (Date.parse(m.data.expiresAt!) - Date.now()) / 1000;
    const ttl = Number(m.android.ttl!.replace(/s$/, ''));
    assert.ok(ttl > 0 && ttl <= Math.ceil(left) + 1, `TTL ${ttl}s = time left on the offer (${left}s)`);
    assert.equal(m.android.collapse_key, `offer:${trip.id}`);
    assert.equal(m.android.priority, 'HIGH');
    assert.equal(m.apns.headers['apns-collapse-id'], `offer:${trip.id}`);
    assert.equal(m.apns.headers['apns-priority'], '10');
    assert.ok(Number(m.apns.headers['apns-expiration']) > Date.now() / 1000);

    const listed = await t.api('GET', '/api/v1/drivers/me/offers', { token: driver.accessToken });
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    assert.equal(listed.body.data.length, 1);
    const offer = listed.body.data[0];
    assert.equal(offer.tripId, trip.id);
    assert.equal(offer.distanceToPickupM, Number(m.data.distanceToPickupM));
    assert.equal(offer.tripDistanceM, Number(m.data.tripDistanceM));
    assert.equal(offer.durationS, Number(m.data.durationS));
    assert.equal(offer.expiresAt, m.data.expiresAt);
    assert.deepEqual(offer.fareEstimate, JSON.parse(m.data.fareEstimate!));

    const accepted = await respond(t, driver, trip.id, { action: 'accept' });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    const after = await t.api('GET', '/api/v1/drivers/me/offers', { token: driver.accessToken });
    assert.deepEqual(after.body.data, [], 'an answered offer is no longer pending');

    const admin = await t.admin();
    const view = await t.api('GET', `/api/v1/admin/trips/${trip.id}/offers`, { token: admin.accessToken });
    assert.equal(view.status, 200, JSON.stringify(view.body));
    const [row] = view.body.data;
    assert.equal(row.driverId, driver.id);
    assert.equal(row.status, 'accepted');
    assert.deepEqual(row.socket, { seenAt: null }, 'no socket, no acknowledgement');
    assert.deepEqual(
      row.push.map((p: { kind: string; status: string }) => [p.kind, p.status]),
      [['offer', 'sent']],
      'push accepted by the provider',
    );
  });

  test('the drivers who lost the trip get a "withdrawn" push under the same collapse key', async () => {
    const rider = await t.signup('rider');
    const winner = await withToken(await driverAt(t, northOf(PICKUP, 300)), 'tok-winner');
    const loser = await withToken(await driverAt(t, northOf(PICKUP, 500)), 'tok-loser');
    const trip = await quotedTrip(rider);
    await eventually(() => pushesTo('tok-winner').length > 0 && pushesTo('tok-loser').length > 0);
    assert.equal((await respond(t, winner, trip.id, { action: 'accept' })).status, 200);

    const withdrawn = (await eventually(() =>
      pushesTo('tok-loser').find((b) => b.message.data.type === 'trip_offer_withdrawn'),
    ))!;
    assert.equal(withdrawn.message.data.tripId, trip.id);
    assert.equal(withdrawn.message.android.collapse_key, `offer:${trip.id}`);
    assert.equal(withdrawn.message.apns.headers['apns-collapse-id'], `offer:${trip.id}`);
    assert.ok(!pushesTo('tok-winner').some((b) => b.message.data.type === 'trip_offer_withdrawn'));
    const admin = await t.admin();
    const view = await t.api('GET', `/api/v1/admin/trips/${trip.id}/offers`, { token: admin.accessToken });
    const lost = view.body.data.find((o: { driverId: string }) => o.driverId === loser.id);
    assert.equal(lost.status, 'withdrawn');
    await eventually(async () => {
      const v = await t.api('GET', `/api/v1/admin/trips/${trip.id}/offers`, { token: admin.accessToken });
      const row = v.body.data.find((o: { driverId: string }) => o.driverId === loser.id);
      return row.push.some((p: { kind: string; status: string }) => p.kind === 'withdrawn' && p.status === 'sent');
    });
  });

  test('the socket offer carries distances and duration, and its acknowledgement shows to admins', async () => {
    const rider = await t.signup('rider');
    const driver = await driverAt(t, northOf(PICKUP, 600));
    const { offers, sockets } = await watchOffers(t, [driver]);
    const trip = await quotedTrip(rider);
    const seen = (await eventually(() => offers.find((o) => o.payload.tripId === trip.id)))!;
    const payload = seen.payload as unknown as Record<string, number>;
    assert.ok(Math.abs(payload.distanceToPickupM! - 600) < 20, `distance ${payload.distanceToPickupM}`);
    assert.ok(payload.tripDistanceM! > 0 && payload.durationS! > 0);

    const ack = await sockets[0]!.timeout(5_000).emitWithAck('trip:offer_seen', { tripId: trip.id });
    assert.equal(ack.ok, true, JSON.stringify(ack));
    const bad = await sockets[0]!.timeout(5_000).emitWithAck('trip:offer_seen', { tripId: 'nope' });
    assert.equal(bad.ok, false);
    const admin = await t.admin();
    const view = await t.api('GET', `/api/v1/admin/trips/${trip.id}/offers`, { token: admin.accessToken });
    const mine = view.body.data.find((o: { driverId: string }) => o.driverId === driver.id);
    assert.ok(mine.socket.seenAt, 'socket delivery acknowledged');
    for (const s of sockets) s.disconnect();
  });
});

describe('an offer that expires unanswered', () => {
  let t: TestApp;
  let fcm: FakeHttpProvider;
  before(async () => {
    fcm = await FakeHttpProvider.start();
    // 0.1 × the 15 s round: the offer expires in about 1.5 s.
    t = await startTestApp('offer_push_expiry', {
      PUSH_URL: fcm.url,
      PROVIDER_TIMEOUT_MS: '2000',
      JOBS_CONCURRENCY: '4',
      DISPATCH_TIME_SCALE: '0.1',
    });
    await t.platform.jobs.start();
  });
  after(async () => {
    await t.close();
    await fcm.close();
  });

  test('is replaced on every device of the driver by one "withdrawn" push, each sent once', async () => {
    const rider = await t.signup('rider');
    const driver = await driverAt(t, northOf(PICKUP, 300));
    for (const token of ['tok-phone', 'tok-tablet'])
      await t.api('POST', '/api/v1/me/push-tokens', {
        token: driver.accessToken,
        body: { token, platform: 'android' },
      });
    const created = await t.api('POST', '/api/v1/trips', {
      token: rider.accessToken,
      body: { pickup: PICKUP, dropoff: DROPOFF, vehicleClass: 'economy', paymentMethod: 'cash' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const tripId = created.body.data.id as string;
    const bodies = () => fcm.requests.map((r) => JSON.parse(r.body) as FcmBody);
    const kinds = (token: string) =>
      bodies()
        .filter((b) => b.message.token === token)
        .map((b) => b.message.data.type);
    await eventually(() => ['tok-phone', 'tok-tablet'].every((tok) => kinds(tok).includes('trip_offer_withdrawn')));
    for (const tok of ['tok-phone', 'tok-tablet']) assert.deepEqual(kinds(tok), ['trip_offer', 'trip_offer_withdrawn']);
    for (const b of bodies()) assert.equal(b.message.android.collapse_key, `offer:${tripId}`);
    const deliveries = async () =>
      (
        await t.platform.database.pool.query(
          `SELECT status FROM "${t.schema}".notification_deliveries WHERE subject_type = 'trip_offer' AND subject_id = $1`,
          [tripId],
        )
      ).rows as { status: string }[];
    // The provider answered; the row turns `sent` right after.
    await eventually(async () => (await deliveries()).every((r) => r.status === 'sent'));
    assert.equal((await deliveries()).length, 4, 'one offer and one withdrawn delivery per device');
    const listed = await t.api('GET', '/api/v1/drivers/me/offers', { token: driver.accessToken });
    assert.deepEqual(listed.body.data, [], 'an expired offer is not listed');
  });
});
