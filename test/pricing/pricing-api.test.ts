import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { DEMAND_WINDOW_MS, QUOTE_TTL_MS, signQuote, surgeCellOf } from '../../src/modules/pricing/index.js';
import { startFakeOsrm, type FakeOsrm } from './fake-osrm.js';

// Each test prices around its own point so surge counters and holds never leak between tests.
const at = (i: number) => ({ lat: 30.0 + i * 0.02, lng: 31.2 });
const away = (p: { lat: number; lng: number }) => ({ lat: p.lat + 0.05, lng: p.lng + 0.05 });
const ONE_DEGREE_LAT_M = 111_195;

describe('pricing over HTTP (estimate, quotes, admin tariffs, surge map)', () => {
  let t: TestApp;
  let osrm: FakeOsrm;
  let admin: TestUser;

  before(async () => {
    // The router answers 10 km / 20 min for every pair: API.md's worked example.
    osrm = await startFakeOsrm({ distance: 10_000, duration: 1_200 });
    t = await startTestApp('pricing_api', { ROUTE_PROVIDER_URL: osrm.url, DISPATCH_INLINE_FIRST_ROUND: 'false' });
    admin = await t.admin();
    // No time-of-day multiplier, whatever the hour the suite runs at.
    const cleared = await t.api('PUT', '/api/v1/admin/pricing/time-windows', {
      token: admin.accessToken,
      body: { windows: [] },
    });
    assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
  });
  after(async () => {
    await t.close();
    await osrm.close();
  });

  async function estimate(user: TestUser, pickup: { lat: number; lng: number }, vehicleClass?: string) {
    const res = await t.api('POST', '/api/v1/pricing/estimate', {
      token: user.accessToken,
      body: { pickup, dropoff: away(pickup), ...(vehicleClass ? { vehicleClass } : {}) },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.data.quotes as Array<{
      vehicleClass: string;
      amount: number;
      surge: number;
      quoteId: string;
      expiresAt: string;
      distanceM: number;
      durationS: number;
    }>;
  }

  const requestWith = (
    rider: TestUser,
    pickup: { lat: number; lng: number },
    quoteId: string,
    dropoff = away(pickup),
  ) =>
    t.api('POST', '/api/v1/trips', {
      token: rider.accessToken,
      body: { pickup, dropoff, vehicleClass: 'economy', paymentMethod: 'cash', quoteId },
    });

  test('economy 10 km / 20 min, no multipliers = 55.00 EGP, quoted and then charged', async () => {
    const rider = await t.signup('rider');
    const quotes = await estimate(rider, at(1));
    const byClass = Object.fromEntries(quotes.map((q) => [q.vehicleClass, q]));
    assert.deepEqual(Object.keys(byClass).sort(), ['comfort', 'economy', 'premium', 'xl']);
    const economy = byClass.economy!;
    assert.deepEqual(
      { amount: economy.amount, surge: economy.surge, distanceM: economy.distanceM, durationS: economy.durationS },
      { amount: 5500, surge: 1, distanceM: 10_000, durationS: 1_200 },
    );
    assert.equal(byClass.comfort!.amount, 8000); // 15 + 5·10 + 0.75·20
    assert.equal(byClass.premium!.amount, 12500); // 25 + 8·10 + 1·20
    assert.equal(byClass.xl!.amount, 9600); // 20 + 6·10 + 0.8·20
    const ttl = new Date(economy.expiresAt).getTime() - Date.now();
    assert.ok(ttl > QUOTE_TTL_MS - 5_000 && ttl <= QUOTE_TTL_MS, `expires in ${ttl} ms`);

    const trip = await requestWith(rider, at(1), economy.quoteId);
    assert.equal(trip.status, 201, JSON.stringify(trip.body));
    assert.deepEqual(trip.body.data.fare, { amount: 5500, currency: 'EGP', surge: 1 });
    assert.equal(trip.body.data.quoteId, economy.quoteId);
  });

  test('one class only when asked; unauthenticated estimate is 401; bad coordinates 400', async () => {
    const rider = await t.signup('rider');
    const quotes = await estimate(rider, at(2), 'xl');
    assert.deepEqual(
      quotes.map((q) => q.vehicleClass),
      ['xl'],
    );
    const anon = await t.api('POST', '/api/v1/pricing/estimate', { body: { pickup: at(2), dropoff: away(at(2)) } });
    assert.equal(anon.status, 401);
    const bad = await t.api('POST', '/api/v1/pricing/estimate', {
      token: rider.accessToken,
      body: { pickup: { lat: 0, lng: 0 }, dropoff: away(at(2)) },
    });
    assert.equal(bad.status, 400);
  });

  test('a quote buys one trip: reusing it is 409 QUOTE_EXPIRED with a fresh estimate', async () => {
    const rider = await t.signup('rider');
    const [quote] = await estimate(rider, at(3), 'economy');
    const first = await requestWith(rider, at(3), quote!.quoteId);
    assert.equal(first.status, 201);
    const cancelled = await t.api('POST', `/api/v1/trips/${first.body.data.id}/cancel-search`, {
      token: rider.accessToken,
    });
    assert.equal(cancelled.status, 200);
    const again = await requestWith(rider, at(3), quote!.quoteId);
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'QUOTE_EXPIRED');
    assert.equal(again.body.error.details.reason, 'already_used');
    // The first request counted as demand in its cell (1 request, no drivers): the fresh quote carries surge 1.1.
    assert.deepEqual(
      [again.body.error.details.quotes[0].surge, again.body.error.details.quotes[0].amount],
      [1.1, 6050],
    );
    assert.notEqual(again.body.error.details.quotes[0].quoteId, quote!.quoteId);
  });

  test('forged, expired or someone else’s quote: 409 QUOTE_EXPIRED, nothing created', async () => {
    const [rider, other] = await Promise.all([t.signup('rider'), t.signup('rider')]);
    const [quote] = await estimate(rider, at(4), 'economy');
    const [body, mac] = quote!.quoteId.split('.') as [string, string];
    const wire = JSON.parse(Buffer.from(body, 'base64url').toString());
    const forged = `${Buffer.from(JSON.stringify({ ...wire, amt: 100 })).toString('base64url')}.${mac}`;
    const past = Date.now() - QUOTE_TTL_MS - 1_000;
    const expired = signQuote(
      {
        userId: rider.id,
        vehicleClass: 'economy',
        amount: 100,
        currency: 'EGP',
        surge: 1,
        timeMultiplier: 1,
        distanceM: 10_000,
        durationS: 1_200,
        pickup: at(4),
        dropoff: away(at(4)),
        issuedAt: past,
        expiresAt: past + QUOTE_TTL_MS,
        tariffVersion: null,
        items: null,
      },
      t.config.quoteSecret,
    );
    const before = await t.count('trips');
    for (const [who, quoteId, reason] of [
      [rider, forged, 'invalid'],
      [rider, 'garbage', 'invalid'],
      [rider, expired, 'expired'],
      [other, quote!.quoteId, 'other_user'],
    ] as const) {
      const res = await requestWith(who, at(4), quoteId);
      assert.equal(res.status, 409, reason);
      assert.equal(res.body.error.code, 'QUOTE_EXPIRED');
      assert.equal(res.body.error.details.reason, reason);
      assert.equal(res.body.error.details.quotes[0].amount, 5500, 'fresh estimate attached');
    }
    assert.equal(await t.count('trips'), before);
  });

  test('pickup moved: 50 m keeps the quote, 150 m is 409 with a fresh estimate', async () => {
    const rider = await t.signup('rider');
    const [quote] = await estimate(rider, at(5), 'economy');
    const moved150 = { lat: at(5).lat + 150 / ONE_DEGREE_LAT_M, lng: at(5).lng };
    const far = await requestWith(rider, moved150, quote!.quoteId, away(at(5)));
    assert.equal(far.status, 409);
    assert.equal(far.body.error.details.reason, 'pickup_moved');
    const moved50 = { lat: at(5).lat + 50 / ONE_DEGREE_LAT_M, lng: at(5).lng };
    const near = await requestWith(rider, moved50, quote!.quoteId, away(at(5)));
    assert.equal(near.status, 201, JSON.stringify(near.body));
    assert.equal(near.body.data.fare.amount, 5500);
  });

  test('surge rose more than 1.5× since the quote: 409 with the new surge in the fresh estimate', async () => {
    const rider = await t.signup('rider');
    const pickup = at(6);
    const [quote] = await estimate(rider, pickup, 'economy');
    assert.equal(quote!.surge, 1);
    // Three requests in the cell and no driver anywhere near: ratio 3 → 1.8 (> 1.0 × 1.5).
    for (let i = 0; i < 3; i++)
      await t.platform.hotState.incrementWindowCounter(`surge:demand:${surgeCellOf(pickup)}`, DEMAND_WINDOW_MS);
    const res = await requestWith(rider, pickup, quote!.quoteId);
    assert.equal(res.status, 409);
    assert.equal(res.body.error.details.reason, 'surge_rose');
    assert.equal(res.body.error.details.quotes[0].surge, 1.8);
    assert.equal(res.body.error.details.quotes[0].amount, 9900); // 5500 × 1.8
    const retry = await requestWith(rider, pickup, res.body.error.details.quotes[0].quoteId);
    assert.equal(retry.status, 201);
    assert.deepEqual(retry.body.data.fare, { amount: 9900, currency: 'EGP', surge: 1.8 });
  });

  test('surge map: 19 cells around the caller, the busy cell raised', async () => {
    const rider = await t.signup('rider');
    const pickup = at(7);
    for (let i = 0; i < 2; i++)
      await t.platform.hotState.incrementWindowCounter(`surge:demand:${surgeCellOf(pickup)}`, DEMAND_WINDOW_MS);
    const res = await t.api('GET', `/api/v1/pricing/surge-map?lat=${pickup.lat}&lng=${pickup.lng}`, {
      token: rider.accessToken,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.data.cells.length, 19);
    assert.equal(res.body.data.cells.find((c: { h3: string }) => c.h3 === surgeCellOf(pickup)).multiplier, 1.5);
    const driver = await t.signup('driver');
    assert.equal(
      (
        await t.api('GET', `/api/v1/pricing/surge-map?lat=${pickup.lat}&lng=${pickup.lng}`, {
          token: driver.accessToken,
        })
      ).status,
      200,
      'any signed-in user',
    );
    assert.equal((await t.api('GET', `/api/v1/pricing/surge-map?lat=${pickup.lat}&lng=${pickup.lng}`)).status, 401);
  });

  test('admin tariff, time-window and event changes apply to the next estimate, no restart', async () => {
    const rider = await t.signup('rider');
    const pickup = at(8);
    const token = admin.accessToken;
    const tariff = await t.api('PUT', '/api/v1/admin/pricing/tariffs/economy', {
      token,
      body: { baseFare: 2000, perKm: 350, perMin: 50, minFare: 1500, commissionBps: 1500 },
    });
    assert.equal(tariff.status, 200, JSON.stringify(tariff.body));
    assert.equal((await estimate(rider, pickup, 'economy'))[0]!.amount, 6500);
    await t.api('PUT', '/api/v1/admin/pricing/tariffs/economy', {
      token,
      body: { baseFare: 1000, perKm: 350, perMin: 50, minFare: 1500, commissionBps: 1500 },
    });

    const allDay = await t.api('PUT', '/api/v1/admin/pricing/time-windows', {
      token,
      body: { windows: [{ startHour: 0, endHour: 24, multiplier: 1.2, description: 'test' }] },
    });
    assert.equal(allDay.status, 200, JSON.stringify(allDay.body));
    assert.equal((await estimate(rider, pickup, 'economy'))[0]!.amount, 6600);

    const now = Date.now();
    const event = await t.api('POST', '/api/v1/admin/pricing/events', {
      token,
      body: {
        name: 'Derby',
        area: { center: pickup, radiusM: 1_000 },
        startsAt: new Date(now - 60_000).toISOString(),
        endsAt: new Date(now + 3_600_000).toISOString(),
        multiplier: 1.5,
      },
    });
    assert.equal(event.status, 201, JSON.stringify(event.body));
    // The event competes with the 1.2 window (highest applies): 5500 × 1.5, not × 1.8.
    assert.equal((await estimate(rider, pickup, 'economy'))[0]!.amount, 8250);
    assert.equal((await estimate(rider, at(9), 'economy'))[0]!.amount, 6600, 'outside the event area');

    const config = await t.api('GET', '/api/v1/admin/pricing', { token });
    assert.equal(config.body.data.tariffs.length, 4);
    assert.deepEqual(
      config.body.data.timeWindows.map((w: { multiplier: number }) => w.multiplier),
      [1.2],
    );
    assert.equal(config.body.data.events[0].id, event.body.data.id);
    const list = await t.api('GET', '/api/v1/admin/pricing/events?limit=1', { token });
    assert.equal(list.body.data.length, 1);

    assert.equal((await t.api('DELETE', `/api/v1/admin/pricing/events/${event.body.data.id}`, { token })).status, 204);
    assert.equal((await estimate(rider, pickup, 'economy'))[0]!.amount, 6600);
    await t.api('PUT', '/api/v1/admin/pricing/time-windows', { token, body: { windows: [] } });
    assert.equal((await estimate(rider, pickup, 'economy'))[0]!.amount, 5500);
  });

  test('admin pricing endpoints: riders get 403, bad input 400, unknown event 404', async () => {
    const rider = await t.signup('rider');
    const body = { baseFare: 1, perKm: 1, perMin: 1, minFare: 1, commissionBps: 1 };
    assert.equal(
      (await t.api('PUT', '/api/v1/admin/pricing/tariffs/economy', { token: rider.accessToken, body })).status,
      403,
    );
    assert.equal((await t.api('GET', '/api/v1/admin/pricing', { token: rider.accessToken })).status, 403);
    const token = admin.accessToken;
    assert.equal(
      (await t.api('PUT', '/api/v1/admin/pricing/tariffs/economy', { token, body: { ...body, commissionBps: 10_001 } }))
        .status,
      400,
    );
    assert.equal((await t.api('PUT', '/api/v1/admin/pricing/tariffs/bus', { token, body })).status, 400);
    assert.equal(
      (
        await t.api('PUT', '/api/v1/admin/pricing/time-windows', {
          token,
          body: { windows: [{ startHour: 7, endHour: 7, multiplier: 1.2 }] },
        })
      ).status,
      400,
    );
    assert.equal(
      (
        await t.api('PUT', '/api/v1/admin/pricing/time-windows', {
          token,
          body: { windows: [{ startHour: 7, endHour: 9, multiplier: 9 }] },
        })
      ).status,
      400,
    );
    const inverted = {
      name: 'x',
      area: { bbox: { minLat: 30.1, minLng: 31.1, maxLat: 30.0, maxLng: 31.2 } },
      startsAt: new Date().toISOString(),
      endsAt: new Date(Date.now() + 1000).toISOString(),
      multiplier: 1.2,
    };
    assert.equal((await t.api('POST', '/api/v1/admin/pricing/events', { token, body: inverted })).status, 400);
    assert.equal(
      (await t.api('DELETE', '/api/v1/admin/pricing/events/00000000-0000-4000-8000-000000000000', { token })).status,
      404,
    );
  });
});

describe('pricing/estimate rate limit', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('pricing_rl', { RATE_LIMITS_DISABLED: 'false' });
  });
  after(async () => t.close());

  test('30 estimates per minute per user, then 429 with Retry-After', async () => {
    const rider = await t.signup('rider');
    const body = { pickup: at(1), dropoff: away(at(1)) };
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++)
      statuses.push((await t.api('POST', '/api/v1/pricing/estimate', { token: rider.accessToken, body })).status);
    assert.deepEqual(statuses.slice(0, 30), Array(30).fill(200));
    const limited = await t.api('POST', '/api/v1/pricing/estimate', { token: rider.accessToken, body });
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error.code, 'RATE_LIMITED');
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    assert.equal(limited.headers['x-ratelimit-limit'], '30');
  });
});
