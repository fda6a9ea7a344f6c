import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { recordRiderDues, riderDuesOf, settledDuesOf } from '../../src/modules/payments/index.js';
import { withTransaction } from '../../src/platform/db/transaction.js';
import type { TestApp, TestUser } from '../../support/harness.js';
import { completeTrip, sql, startPaymentsApp, startedTrip, topUp, wallet, type PaymentsTest } from './support.js';
import {
  arrivedTrip,
  cancel,
  DRIVER_SHARE,
  FEE,
  FEE_COMMISSION,
  net,
  reconciles,
  TOP_UP,
} from './cancellation-support.js';

/**
 * Charging the fee (from the wallet, or as dues when it cannot cover it) and collecting the dues on the next trip.
 * Waivers, concurrent and replayed cancels: cancellation-fees-once.test.ts.
 */
describe('cancellation fees and rider dues', () => {
  let ctx: PaymentsTest;
  let t: TestApp;
  let admin: TestUser;
  before(async () => {
    ctx = await startPaymentsApp('pay_fees');
    t = ctx.t;
    admin = await t.admin();
  });
  after(async () => ctx.close());

  test('a rider who cancels after the driver arrived pays the fee from the wallet: driver minus commission, platform the commission', async () => {
    const rider = await t.signup('rider');
    await topUp(ctx, rider, TOP_UP);
    const driver = await t.driver();
    const tripId = await arrivedTrip(t, rider, driver, 'wallet');
    const revenueBefore = await net(t, 'platform_revenue');
    const res = await cancel(t, rider, tripId);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.data.cancellation.fee, { amount: FEE, currency: 'EGP' });
    assert.deepEqual(await wallet(t, rider), {
      balance: TOP_UP - FEE,
      pending: 0,
      available: TOP_UP - FEE,
      creditLimit: 0,
      dues: 0,
      currency: 'EGP',
    });
    assert.equal((await wallet(t, driver)).balance, DRIVER_SHARE);
    assert.equal((await net(t, 'platform_revenue')) - revenueBefore, FEE_COMMISSION);
    const [riderTx] = (await t.api('GET', '/api/v1/wallet/transactions', { token: rider.accessToken })).body.data;
    assert.deepEqual([riderTx.amount, riderTx.kind, riderTx.reference], [-FEE, 'cancellation_fee', `trip:${tripId}`]);
    await reconciles(t, admin);
  });

  test('a rider whose wallet cannot cover the fee owes it: GET /wallet shows dues and the driver is paid all the same', async () => {
    const rider = await t.signup('rider');
    await topUp(ctx, rider, 1_500);
    const driver = await t.driver();
    const tripId = await arrivedTrip(t, rider, driver);
    const res = await cancel(t, rider, tripId);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const w = await wallet(t, rider);
    assert.deepEqual([w.balance, w.dues], [1_500, FEE], 'the wallet is untouched, the whole fee is owed');
    assert.equal((await wallet(t, driver)).balance, DRIVER_SHARE);
    assert.equal(await riderDuesOf(t.platform.database.db, rider.id), FEE);
    const [account] = await sql(
      t,
      `SELECT kind FROM $schema.ledger_accounts WHERE owner_id = $1 AND kind = 'rider_dues'`,
      [rider.id],
    );
    assert.equal(account.kind, 'rider_dues');
    await reconciles(t, admin);
  });

  test('the next cash trip collects the dues with the fare (cash clearing) and its receipt can show previous_dues', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    assert.equal((await cancel(t, rider, await arrivedTrip(t, rider, driver))).status, 200);
    assert.equal((await wallet(t, rider)).dues, FEE);
    const clearingBefore = await net(t, 'cash_clearing');
    const next = await startedTrip(t, rider, driver, { paymentMethod: 'cash', fare: 5_000 });
    assert.equal(await settledDuesOf(t.platform.database.db, next), 0, 'nothing settled before completion');
    const done = await completeTrip(t, driver, next);
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal((await wallet(t, rider)).dues, 0, 'the dues are cleared');
    assert.equal(await settledDuesOf(t.platform.database.db, next), FEE);
    assert.equal((await net(t, 'cash_clearing')) - clearingBefore, -FEE, 'the driver collected the dues in cash');
    const receipt = (await t.api('GET', `/api/v1/trips/${next}/receipt`, { token: rider.accessToken })).body.data;
    const dues = receipt.items.find((i: { code: string }) => i.code === 'previous_dues');
    assert.equal(dues?.amount, FEE, 'the receipt carries the dues it cleared');
    const sum = receipt.items.reduce((a: number, i: { amount: number }) => a + i.amount, 0);
    assert.deepEqual([receipt.total, sum], [5_000 + FEE, 5_000 + FEE], 'the lines add up to the total charged');
    await reconciles(t, admin);
  });

  test('the next wallet trip pays the dues from what the wallet has left after the fare', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    assert.equal((await cancel(t, rider, await arrivedTrip(t, rider, driver))).status, 200);
    await topUp(ctx, rider, TOP_UP);
    const next = await startedTrip(t, rider, driver, { paymentMethod: 'wallet', fare: TOP_UP - 1_000 });
    assert.equal((await completeTrip(t, driver, next)).body.data.status, 'completed');
    const w = await wallet(t, rider);
    assert.deepEqual([w.balance, w.dues], [0, FEE - 1_000], 'the 10.00 EGP left paid half; the rest is still owed');
    assert.equal(await settledDuesOf(t.platform.database.db, next), 1_000);
    await reconciles(t, admin);
  });

  test('recordRiderDues: the same reference twice is one debt, and riderDuesOf reads it', async () => {
    const rider = await t.signup('rider');
    const db = t.platform.database.db;
    const reference = `test:${rider.id}`;
    for (let i = 0; i < 2; i++)
      await withTransaction(db, (tx) => recordRiderDues(tx, { riderId: rider.id, amount: 1_234, reference }));
    assert.equal(await riderDuesOf(db, rider.id), 1_234);
    assert.equal((await wallet(t, rider)).dues, 1_234);
    await reconciles(t, admin);
  });
});
