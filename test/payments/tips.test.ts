import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TestApp, TestUser } from '../../support/harness.js';
import { retrying503 } from '../support/client-retry.js';
import { completeTrip, sql, startPaymentsApp, startedTrip, topUp, wallet, type PaymentsTest } from './support.js';

const FARE = 5_000;
/** Above any clock-dependent estimate of the test trip, so wallet trips can be requested. */
const TOP_UP = 20_000;

describe('tips', () => {
  let ctx: PaymentsTest;
  let t: TestApp;
  before(async () => {
    ctx = await startPaymentsApp('pay_tips');
    t = ctx.t;
  });
  after(async () => ctx.close());

  /** A rider with money in the wallet and a completed cash trip with a fresh driver. */
  async function completedTrip(opts: { fare?: number; funds?: number } = {}) {
    const rider = await t.signup('rider');
    if ((opts.funds ?? TOP_UP) > 0) await topUp(ctx, rider, opts.funds ?? TOP_UP);
    const driver = await t.driver();
    const tripId = await startedTrip(t, rider, driver, { paymentMethod: 'cash', fare: opts.fare ?? FARE });
    const done = await completeTrip(t, driver, tripId);
    assert.equal(done.body.data.status, 'completed', JSON.stringify(done.body));
    return { rider, driver, tripId };
  }

  function tip(rider: TestUser, tripId: string, body: unknown, headers: Record<string, string> = {}) {
    return t.api('POST', `/api/v1/trips/${tripId}/tip`, { token: rider.accessToken, body, headers });
  }

  async function tipsOf(tripId: string) {
    return (await sql(t, 'SELECT count(*)::int AS n FROM $schema.trip_tips WHERE trip_id = $1', [tripId]))[0].n;
  }

  async function reconciles() {
    const admin = await t.admin();
    const res = await t.api('POST', '/api/v1/admin/reconciliation/run', { token: admin.accessToken });
    assert.deepEqual(
      res.body.data.checks.filter((c: any) => !c.ok),
      [],
    );
  }

  test('a rider tips the driver of a completed trip from the wallet, 100 % to the driver', async () => {
    const { rider, driver, tripId } = await completedTrip();
    const driverBefore = (await wallet(t, driver)).balance;
    const res = await tip(rider, tripId, { amount: 1_500 });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual(
      [res.body.data.tripId, res.body.data.amount, res.body.data.currency, res.body.data.driverId],
      [tripId, 1_500, 'EGP', driver.id],
    );
    assert.equal((await wallet(t, rider)).balance, TOP_UP - 1_500);
    assert.equal((await wallet(t, driver)).balance - driverBefore, 1_500, 'no commission on a tip');
    const [driverTx] = (await t.api('GET', '/api/v1/wallet/transactions', { token: driver.accessToken })).body.data;
    assert.deepEqual([driverTx.amount, driverTx.kind, driverTx.reference], [1_500, 'tip', `trip:${tripId}`]);
    await reconciles();
  });

  test('a second tip is 409, a replay of the first (same Idempotency-Key) answers it again, nothing paid twice', async () => {
    const { rider, driver, tripId } = await completedTrip();
    const key = { 'idempotency-key': `tip-${tripId}` };
    const first = await tip(rider, tripId, { amount: 1_000 }, key);
    assert.equal(first.status, 201);
    const replay = await tip(rider, tripId, { amount: 1_000 }, key);
    assert.deepEqual([replay.status, replay.body.data], [201, first.body.data]);
    const second = await tip(rider, tripId, { amount: 500 });
    assert.equal(second.status, 409);
    assert.equal(second.body.error.code, 'CONFLICT');
    assert.equal((await wallet(t, rider)).balance, TOP_UP - 1_000);
    assert.equal((await wallet(t, driver)).balance, 1_000 - 750, 'the tip once, less the cash trip commission');
  });

  test("someone else's trip is 404, an unfinished trip 409, a trip completed over 24 h ago 409; nothing written", async () => {
    const { tripId } = await completedTrip();
    const stranger = await t.signup('rider');
    await topUp(ctx, stranger, 5_000);
    const other = await tip(stranger, tripId, { amount: 100 });
    assert.equal(other.status, 404);
    const driver = await t.driver();
    assert.equal((await tip(driver, tripId, { amount: 100 })).status, 403, 'drivers do not tip');

    const rider = await t.signup('rider');
    await topUp(ctx, rider, TOP_UP);
    const ongoing = await startedTrip(t, rider, await t.driver(), { paymentMethod: 'cash', fare: FARE });
    assert.equal((await tip(rider, ongoing, { amount: 100 })).status, 409, 'the ride is not over yet');

    const old = await completedTrip();
    await sql(t, `UPDATE $schema.trips SET completed_at = now() - interval '25 hours' WHERE id = $1`, [old.tripId]);
    assert.equal((await tip(old.rider, old.tripId, { amount: 100 })).status, 409, 'the 24 h window has passed');
    for (const id of [tripId, ongoing, old.tripId]) assert.equal(await tipsOf(id), 0);
    assert.equal((await wallet(t, stranger)).balance, 5_000);
  });

  test('more than the fare, more than 500.00 EGP, negative, zero, fractional or absurd amounts are 400; nothing written', async () => {
    const { rider, tripId } = await completedTrip();
    const overFare = await tip(rider, tripId, { amount: FARE + 1 });
    assert.equal(overFare.status, 400);
    assert.equal(overFare.body.error.code, 'VALIDATION_ERROR');
    const big = await completedTrip({ fare: 80_000, funds: 50_000 });
    assert.equal((await tip(big.rider, big.tripId, { amount: 50_001 })).status, 400, 'over 500.00 EGP');
    for (const amount of [-100, 0, 10.5, 1e20, '100', null]) {
      const res = await tip(rider, tripId, { amount });
      assert.equal(res.status, 400, `amount ${amount}`);
      assert.equal(res.body.error.code, 'VALIDATION_ERROR');
    }
    assert.equal((await tip(rider, tripId, {})).status, 400);
    assert.equal((await tip(rider, tripId, { amount: 100, extra: 1 })).status, 400);
    assert.equal(
      (await t.api('POST', '/api/v1/trips/nope/tip', { token: rider.accessToken, body: { amount: 1 } })).status,
      400,
    );
    assert.equal(await tipsOf(tripId), 0);
    assert.equal(await tipsOf(big.tripId), 0);
    assert.equal((await wallet(t, rider)).balance, TOP_UP);
    const exact = await tip(big.rider, big.tripId, { amount: 50_000 });
    assert.equal(exact.status, 201, '500.00 EGP exactly is allowed');
  });

  test('a wallet that cannot pay the tip is 402 and leaves no tip behind; paying later works', async () => {
    const { rider, driver, tripId } = await completedTrip({ funds: 0 });
    const res = await tip(rider, tripId, { amount: 1_000 });
    assert.equal(res.status, 402);
    assert.equal(res.body.error.code, 'INSUFFICIENT_FUNDS');
    assert.equal(await tipsOf(tripId), 0);
    await topUp(ctx, rider, 1_000);
    assert.equal((await tip(rider, tripId, { amount: 1_000 })).status, 201);
    assert.equal((await wallet(t, rider)).balance, 0);
    assert.equal((await wallet(t, driver)).balance, 1_000 - 750);
  });

  test('50 concurrent tip requests on one trip make exactly one tip', async () => {
    const { rider, driver, tripId } = await completedTrip();
    const driverBefore = (await wallet(t, driver)).balance;
    // A 503 (the request waited past the pool's connect timeout on a loaded box; nothing written) is retried
    // after its Retry-After, as the app does: every request ends as the one tip or a 409.
    const results = await Promise.all(
      Array.from({ length: 50 }, () => retrying503(() => tip(rider, tripId, { amount: 700 }))),
    );
    const statuses = results.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 201).length, 1, JSON.stringify(statuses));
    assert.equal(statuses.filter((s) => s === 409).length, 49, JSON.stringify(statuses));
    assert.equal(await tipsOf(tripId), 1);
    const transfers = await sql(t, `SELECT count(*)::int AS n FROM $schema.ledger_transfers WHERE id = $1`, [
      `trip:${tripId}:tip`,
    ]);
    assert.equal(transfers[0].n, 1);
    assert.equal((await wallet(t, rider)).balance, TOP_UP - 700);
    assert.equal((await wallet(t, driver)).balance - driverBefore, 700);
    await reconciles();
  });
});
