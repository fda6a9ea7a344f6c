import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { DEMAND_WINDOW_MS, QUOTE_TTL_MS, signQuote, surgeCellOf } from '../../src/modules/pricing/index.js';
import { at, estimate, startPricingApp, type PricingApp } from './pricing-app.js';
import { awayFrom as away } from './rides.js';

const ONE_DEGREE_LAT_M = 111_195;

/** Estimates, quotes and the surge map; admin pricing changes: pricing-admin.test.ts. */
describe('pricing over HTTP (estimate, quotes, surge map)', () => {
  let t: TestApp;
  let app: PricingApp;
  before(async () => {
    app = await startPricingApp('pricing_api');
    ({ t } = app);
  });
  after(async () => app.close());

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
    const quotes = await estimate(t, rider, at(1));
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
    const quotes = await estimate(t, rider, at(2), 'xl');
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
    const [quote] = await estimate(t, rider, at(3), 'economy');
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
    const [quote] = await estimate(t, rider, at(4), 'economy');
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
    const [quote] = await estimate(t, rider, at(5), 'economy');
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
    const [quote] = await estimate(t, rider, pickup, 'economy');
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
