import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { offerTrip } from '../../src/modules/trips/index.js';
import type { TestUser } from '../../support/harness.js';
import { startFakeOsrm, type FakeOsrm } from '../pricing/fake-osrm.js';
import {
  awayFrom,
  complete,
  economyQuote,
  noTimeWindows,
  setEconomy,
  spot,
  startedRide,
  step,
} from '../pricing/rides.js';
import { sql, startPaymentsApp, topUp, type PaymentsTest } from './support.js';

/** The router says 10 km / 20 min: economy 55.00 EGP with no multipliers (API.md's worked example). */
const QUOTED = 5_500;

type Line = { code: string; label: string; amount: number };
const sum = (items: Line[]) => items.reduce((s, i) => s + i.amount, 0);

describe('upfront price and trip receipts', () => {
  let ctx: PaymentsTest;
  let osrm: FakeOsrm;
  let admin: TestUser;

  before(async () => {
    osrm = await startFakeOsrm({ distance: 10_000, duration: 1_200 });
    ctx = await startPaymentsApp('pay_receipt', { ROUTE_PROVIDER_URL: osrm.url });
    admin = await ctx.t.admin();
    await noTimeWindows(ctx.t, admin);
    await setEconomy(ctx.t, admin, { baseFare: 1000, perKm: 350, perMin: 50, minFare: 1500, commissionBps: 1500 });
  });
  after(async () => {
    await ctx.close();
    await osrm.close();
  });

  const receipt = (user: TestUser, tripId: string, headers: Record<string, string> = {}) =>
    ctx.t.api('GET', `/api/v1/trips/${tripId}/receipt`, { token: user.accessToken, headers });

  /** What the driver actually drove (the location flush's row) and how long the ride has lasted. */
  async function rode(tripId: string, ride: { distanceM: number; minutes?: number }) {
    await sql(ctx.t, 'INSERT INTO $schema.trip_routes (trip_id, distance_m) VALUES ($1, $2)', [tripId, ride.distanceM]);
    if (ride.minutes)
      await sql(ctx.t, `UPDATE $schema.trips SET started_at = now() - $2 * interval '1 minute' WHERE id = $1`, [
        tripId,
        ride.minutes,
      ]);
  }

  test('a ride as quoted: the receipt total equals the quote, line by line, and lists the wallet payment', async () => {
    const { t } = ctx;
    const [rider, driver, stranger] = [await t.signup('rider'), await t.driver(), await t.signup('rider')];
    await topUp(ctx, rider, 10_000);
    const quote = await economyQuote(t, rider, spot(11));
    assert.equal(quote.amount, QUOTED);
    assert.equal(sum(quote.items), quote.amount);
    const tripId = await startedRide(
      t,
      { rider, driver },
      { pickup: spot(11), paymentMethod: 'wallet', quoteId: quote.quoteId },
    );
    await rode(tripId, { distanceM: 10_400, minutes: 22 });
    await complete(t, driver, tripId);

    const res = await receipt(rider, tripId);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const r = res.body.data;
    assert.deepEqual(
      [r.quoted, r.total, r.reason, r.paymentMethod, r.currency],
      [QUOTED, QUOTED, null, 'wallet', 'EGP'],
    );
    assert.deepEqual(r.items, quote.items, 'the receipt shows the very lines quoted');
    assert.equal(r.tariffVersion, quote.tariffVersion);
    assert.deepEqual(
      r.payments.map((p: { kind: string; amount: number }) => [p.kind, p.amount]),
      [['trip_fare', QUOTED]],
    );
    assert.deepEqual([r.tip, r.refunds], [null, []]);
    assert.equal(r.commission, undefined, 'the rider does not see the commission');

    const forDriver = (await receipt(driver, tripId)).body.data;
    assert.deepEqual([forDriver.commission, forDriver.driverEarnings], [825, 4_675]);
    assert.equal((await receipt(admin, tripId)).body.data.commission, 825);
    assert.equal((await receipt(stranger, tripId)).status, 404);

    const arabic = (await receipt(rider, tripId, { 'accept-language': 'ar-EG,ar;q=0.9' })).body.data;
    assert.equal(arabic.items[0].label, 'الأجرة الأساسية');
  });

  test('a changed destination is re-priced with the trip’s own tariff version; the receipt gives quote, new amount and reason', async () => {
    const { t } = ctx;
    const [rider, driver] = [await t.signup('rider'), await t.driver()];
    const quote = await economyQuote(t, rider, spot(12));
    const tripId = await startedRide(
      t,
      { rider, driver },
      { pickup: spot(12), paymentMethod: 'cash', quoteId: quote.quoteId },
    );
    // A tariff change while the ride is on must not reach it.
    await setEconomy(t, admin, { perKm: 1_000 });
    const changed = await step(t, rider, tripId, 'destination', { dropoff: awayFrom(awayFrom(spot(12))) });
    assert.deepEqual(changed.dropoff, awayFrom(awayFrom(spot(12))));
    const byDriver = await t.api('POST', `/api/v1/trips/${tripId}/destination`, {
      token: driver.accessToken,
      body: { dropoff: spot(13) },
    });
    assert.equal(byDriver.status, 403, 'only the rider changes the destination');
    await rode(tripId, { distanceM: 20_000, minutes: 30 });
    const done = await complete(t, driver, tripId);
    await setEconomy(t, admin, { perKm: 350 });

    // Version at request time: 10 + 3.50 × 20 km + 0.50 × 30 min = 95.00 EGP.
    assert.equal(done.fare.amount, 9_500);
    const r = (await receipt(rider, tripId)).body.data;
    assert.deepEqual([r.quoted, r.total, r.reason], [QUOTED, 9_500, 'destination_changed']);
    assert.equal(sum(r.items), r.total);
    assert.equal(r.tariffVersion, quote.tariffVersion);
    assert.deepEqual(
      r.payments.map((p: { kind: string; amount: number }) => [p.kind, p.amount]),
      [['cash', 9_500]],
    );
    const [commission] = await sql(
      t,
      `SELECT sum(amount)::int AS total FROM $schema.ledger_transfers WHERE reference = $1 AND kind = 'commission'`,
      [`trip:${tripId}`],
    );
    assert.equal(commission.total, 1_425, 'commission on the re-priced fare at the trip’s 15 %');
  });

  test('the quote stands up to +25 % distance and +50 % time; beyond either the ride is re-priced', async () => {
    const { t } = ctx;
    const rides = [
      { distanceM: 12_400, minutes: 29, total: QUOTED, reason: null },
      // 10 + 3.50 × 12.6 + 0.50 × 20 = 64.10 → 64.00 EGP
      { distanceM: 12_600, minutes: 20, total: 6_400, reason: 'distance_exceeded' },
      // 10 + 3.50 × 10 + 0.50 × 31 = 60.50 EGP
      { distanceM: 10_000, minutes: 31, total: 6_050, reason: 'duration_exceeded' },
    ];
    for (const [i, ride] of rides.entries()) {
      const [rider, driver] = [await t.signup('rider'), await t.driver()];
      const quote = await economyQuote(t, rider, spot(20 + i));
      const tripId = await startedRide(
        t,
        { rider, driver },
        { pickup: spot(20 + i), paymentMethod: 'cash', quoteId: quote.quoteId },
      );
      await rode(tripId, ride);
      await complete(t, driver, tripId);
      const r = (await receipt(rider, tripId)).body.data;
      assert.deepEqual([r.quoted, r.total, r.reason], [QUOTED, ride.total, ride.reason], JSON.stringify(ride));
      assert.equal(sum(r.items), r.total);
    }
  });

  test('no receipt while the ride is on or for a free cancellation (409); a cancellation fee has one', async () => {
    const { t } = ctx;
    const [rider, driver] = [await t.signup('rider'), await t.driver()];
    const onTheRoad = await startedRide(t, { rider, driver }, { pickup: spot(30), paymentMethod: 'cash' });
    const early = await receipt(rider, onTheRoad);
    assert.deepEqual([early.status, early.body.error.code], [409, 'RECEIPT_NOT_AVAILABLE']);
    await complete(t, driver, onTheRoad);

    const body = { pickup: spot(31), dropoff: awayFrom(spot(31)), vehicleClass: 'economy', paymentMethod: 'cash' };
    const free = (await t.api('POST', '/api/v1/trips', { token: rider.accessToken, body })).body.data.id as string;
    await step(t, rider, free, 'cancel', { reason: 'changed my mind' });
    assert.equal((await receipt(rider, free)).body.error.code, 'RECEIPT_NOT_AVAILABLE');

    const withFee = (
      await t.api('POST', '/api/v1/trips', { token: rider.accessToken, body: { ...body, pickup: spot(32) } })
    ).body.data.id as string;
    const expiresAt = new Date(Date.now() + 60_000);
    await offerTrip(t.platform.database.db, { tripId: withFee, driverIds: [driver.id], round: 1, expiresAt });
    await step(t, driver, withFee, 'driver-response', { action: 'accept' });
    await step(t, driver, withFee, 'status', { status: 'arrived' });
    await step(t, rider, withFee, 'cancel', { reason: 'too late' });
    const r = (await receipt(rider, withFee)).body.data;
    assert.deepEqual(
      [r.total, r.reason, r.items.map((i: Line) => [i.code, i.amount])],
      [2_000, 'cancelled', [['cancellation_fee', 2_000]]],
    );
    assert.equal((await receipt(driver, withFee)).body.data.commission, 300, 'the fee splits at the trip’s 15 %');
  });
});
