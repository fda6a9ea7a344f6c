import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { systemAccounts } from '../../src/modules/ledger/index.js';
import { recordRiderDues, riderDuesOf, settledDuesOf } from '../../src/modules/payments/index.js';
import { offerTrip } from '../../src/modules/trips/index.js';
import { withTransaction } from '../../src/platform/db/transaction.js';
import type { TestApp, TestUser } from '../../support/harness.js';
import { completeTrip, sql, startPaymentsApp, startedTrip, topUp, wallet, type PaymentsTest } from './support.js';

/** cancellation-policy.ts: a rider cancelling after the driver arrived pays 20.00 EGP; economy commission 15 %. */
const FEE = 2_000;
const FEE_COMMISSION = 300;
const DRIVER_SHARE = FEE - FEE_COMMISSION;
/** Above any clock-dependent estimate of the test trip, so wallet trips can be requested. */
const TOP_UP = 20_000;

const TRIP = {
  pickup: { lat: 30.0444, lng: 31.2357 },
  dropoff: { lat: 30.0626, lng: 31.2497 },
  vehicleClass: 'economy',
};

/** A trip through the API up to `arrived` (the driver is at the pickup): cancelling it now costs the rider the fee. */
async function arrivedTrip(t: TestApp, rider: TestUser, driver: TestUser, paymentMethod: 'cash' | 'wallet' = 'cash') {
  const created = await t.api('POST', '/api/v1/trips', { token: rider.accessToken, body: { ...TRIP, paymentMethod } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const tripId = created.body.data.id as string;
  const expiresAt = new Date(Date.now() + 60_000);
  await offerTrip(t.platform.database.db, { tripId, driverIds: [driver.id], round: 1, expiresAt });
  for (const [path, body] of [
    [`/api/v1/trips/${tripId}/driver-response`, { action: 'accept' }],
    [`/api/v1/trips/${tripId}/status`, { status: 'arrived' }],
  ] as const) {
    const res = await t.api('POST', path, { token: driver.accessToken, body });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }
  return tripId;
}

function cancel(t: TestApp, rider: TestUser, tripId: string, headers: Record<string, string> = {}) {
  return t.api('POST', `/api/v1/trips/${tripId}/cancel`, {
    token: rider.accessToken,
    body: { reason: 'changed my mind' },
    headers,
  });
}

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

  async function net(kind: 'platform_revenue' | 'cash_clearing') {
    const id = (await systemAccounts(t.platform.database.db))[kind];
    const [row] = await sql(
      t,
      'SELECT credits_posted - debits_posted AS net FROM $schema.ledger_accounts WHERE id = $1',
      [id],
    );
    return Number(row.net);
  }

  async function feeTransfers(tripId: string) {
    return sql(t, `SELECT id, kind, amount FROM $schema.ledger_transfers WHERE reference = $1 ORDER BY seq`, [
      `trip:${tripId}`,
    ]);
  }

  async function reconciles() {
    const res = await t.api('POST', '/api/v1/admin/reconciliation/run', { token: admin.accessToken });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const failed = res.body.data.checks.filter((c: any) => !c.ok);
    assert.deepEqual(failed, [], 'reconciliation balances');
  }

  test('a rider who cancels after the driver arrived pays the fee from the wallet: driver minus commission, platform the commission', async () => {
    const rider = await t.signup('rider');
    await topUp(ctx, rider, TOP_UP);
    const driver = await t.driver();
    const tripId = await arrivedTrip(t, rider, driver, 'wallet');
    const revenueBefore = await net('platform_revenue');
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
    assert.equal((await net('platform_revenue')) - revenueBefore, FEE_COMMISSION);
    const [riderTx] = (await t.api('GET', '/api/v1/wallet/transactions', { token: rider.accessToken })).body.data;
    assert.deepEqual([riderTx.amount, riderTx.kind, riderTx.reference], [-FEE, 'cancellation_fee', `trip:${tripId}`]);
    await reconciles();
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
    await reconciles();
  });

  test('the next cash trip collects the dues with the fare (cash clearing) and its receipt can show previous_dues', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    assert.equal((await cancel(t, rider, await arrivedTrip(t, rider, driver))).status, 200);
    assert.equal((await wallet(t, rider)).dues, FEE);
    const clearingBefore = await net('cash_clearing');
    const next = await startedTrip(t, rider, driver, { paymentMethod: 'cash', fare: 5_000 });
    assert.equal(await settledDuesOf(t.platform.database.db, next), 0, 'nothing settled before completion');
    const done = await completeTrip(t, driver, next);
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal((await wallet(t, rider)).dues, 0, 'the dues are cleared');
    assert.equal(await settledDuesOf(t.platform.database.db, next), FEE);
    assert.equal((await net('cash_clearing')) - clearingBefore, -FEE, 'the driver collected the dues in cash');
    const receipt = (await t.api('GET', `/api/v1/trips/${next}/receipt`, { token: rider.accessToken })).body.data;
    const dues = receipt.items.find((i: { code: string }) => i.code === 'previous_dues');
    assert.equal(dues?.amount, FEE, 'the receipt carries the dues it cleared');
    const sum = receipt.items.reduce((a: number, i: { amount: number }) => a + i.amount, 0);
    assert.deepEqual([receipt.total, sum], [5_000 + FEE, 5_000 + FEE], 'the lines add up to the total charged');
    await reconciles();
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
    await reconciles();
  });

  test('an admin waives a paid fee: the rider gets it back, driver and platform give theirs back, audited, once', async () => {
    const rider = await t.signup('rider');
    await topUp(ctx, rider, TOP_UP);
    const driver = await t.driver();
    const tripId = await arrivedTrip(t, rider, driver, 'wallet');
    assert.equal((await cancel(t, rider, tripId)).status, 200);
    const revenueBefore = await net('platform_revenue');
    const path = `/api/v1/admin/trips/${tripId}/waive-fee`;
    const res = await t.api('POST', path, { token: admin.accessToken, body: { reason: 'driver was late' } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual([res.body.data.status, res.body.data.paidFrom, res.body.data.amount], ['waived', 'wallet', FEE]);
    assert.equal((await wallet(t, rider)).balance, TOP_UP);
    assert.equal((await wallet(t, driver)).balance, 0);
    assert.equal((await net('platform_revenue')) - revenueBefore, -FEE_COMMISSION);
    const trip = await t.api('GET', `/api/v1/trips/${tripId}`, { token: rider.accessToken });
    assert.deepEqual(
      trip.body.data.cancellation.fee,
      { amount: FEE, currency: 'EGP', waived: true },
      'the trip says so',
    );
    const audit = await sql(t, `SELECT actor_id, action FROM $schema.audit_log WHERE target_id = $1`, [tripId]);
    assert.deepEqual(audit, [{ actor_id: admin.id, action: 'trip.fee_waived' }]);
    const again = await t.api('POST', path, { token: admin.accessToken, body: { reason: 'again' } });
    assert.equal(again.status, 409, 'a fee is waived once');
    assert.equal((await wallet(t, rider)).balance, TOP_UP);
    await reconciles();
  });

  test('an admin waives an owed fee: the dues are cleared', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const tripId = await arrivedTrip(t, rider, driver);
    assert.equal((await cancel(t, rider, tripId)).status, 200);
    const res = await t.api('POST', `/api/v1/admin/trips/${tripId}/waive-fee`, {
      token: admin.accessToken,
      body: { reason: 'goodwill' },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(await wallet(t, rider), {
      balance: 0,
      pending: 0,
      available: 0,
      creditLimit: 0,
      dues: 0,
      currency: 'EGP',
    });
    assert.equal((await wallet(t, driver)).balance, 0);
    await reconciles();
  });

  test('10 admins waiving the same fee at once return it once', async () => {
    const rider = await t.signup('rider');
    await topUp(ctx, rider, TOP_UP);
    const driver = await t.driver();
    const tripId = await arrivedTrip(t, rider, driver, 'wallet');
    assert.equal((await cancel(t, rider, tripId)).status, 200);
    const admins = await Promise.all(Array.from({ length: 10 }, () => t.admin()));
    const results = await Promise.all(
      admins.map((a) =>
        t.api('POST', `/api/v1/admin/trips/${tripId}/waive-fee`, { token: a.accessToken, body: { reason: 'dup' } }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, ...Array(9).fill(409)], JSON.stringify(statuses));
    assert.equal((await wallet(t, rider)).balance, TOP_UP, 'the fee came back once');
    assert.equal((await wallet(t, driver)).balance, 0);
    const audit = await sql(t, `SELECT count(*)::int AS n FROM $schema.audit_log WHERE target_id = $1`, [tripId]);
    assert.equal(audit[0].n, 1);
    await reconciles();
  });

  test('waiving: not an admin 403, a trip without a fee 404, bad input 400, nothing written', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const tripId = await arrivedTrip(t, rider, driver);
    const path = `/api/v1/admin/trips/${tripId}/waive-fee`;
    const body = { reason: 'x' };
    assert.equal((await t.api('POST', path, { token: rider.accessToken, body })).status, 403);
    const noFee = await t.api('POST', path, { token: admin.accessToken, body });
    assert.equal(noFee.status, 404, 'the trip is not cancelled: it has no fee');
    for (const bad of [{}, { reason: '' }, { reason: 'x', amount: 5 }]) {
      const res = await t.api('POST', path, { token: admin.accessToken, body: bad });
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.equal(res.body.error.code, 'VALIDATION_ERROR');
    }
    const badId = await t.api('POST', '/api/v1/admin/trips/not-a-uuid/waive-fee', { token: admin.accessToken, body });
    assert.equal(badId.status, 400);
    assert.equal(
      (await sql(t, `SELECT count(*)::int AS n FROM $schema.audit_log WHERE target_id = $1`, [tripId]))[0].n,
      0,
    );
  });

  test('20 concurrent cancels (10 replays of one Idempotency-Key, 10 without) charge the fee once', async () => {
    const rider = await t.signup('rider');
    await topUp(ctx, rider, TOP_UP);
    const driver = await t.driver();
    const tripId = await arrivedTrip(t, rider, driver, 'wallet');
    const key = { 'idempotency-key': `cancel-${tripId}` };
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => cancel(t, rider, tripId, i < 10 ? key : {})),
    );
    const ok = results.filter((r) => r.status === 200);
    assert.ok(ok.length >= 1, JSON.stringify(results.map((r) => r.status)));
    for (const r of results) assert.ok([200, 409].includes(r.status), `${r.status} ${JSON.stringify(r.body)}`);
    const transfers = await feeTransfers(tripId);
    assert.deepEqual(
      transfers.map((x) => [x.kind, Number(x.amount)]),
      [
        ['cancellation_fee', FEE],
        ['commission', FEE_COMMISSION],
      ],
    );
    assert.equal((await wallet(t, rider)).balance, TOP_UP - FEE);
    // The key's stored answer is whichever keyed request ran (200 if it won the cancel, 409 if another did).
    const keyed = results.slice(0, 10).filter((r) => r.body.error?.code !== 'IDEMPOTENCY_KEY_IN_USE');
    assert.equal(keyed.length, 1, 'one keyed request ran; the others found the key in use');
    const replay = await cancel(t, rider, tripId, key);
    assert.deepEqual([replay.status, replay.body.data], [keyed[0]!.status, keyed[0]!.body.data], 'a replay gets it');
    const repeat = await cancel(t, rider, tripId);
    assert.equal(repeat.status, 409, 'a repeated cancel is refused');
    assert.equal((await wallet(t, rider)).balance, TOP_UP - FEE, 'and charges nothing');
    await reconciles();
  });

  test('a replayed cancel (same Idempotency-Key) answers the first response and charges nothing more', async () => {
    const rider = await t.signup('rider');
    await topUp(ctx, rider, TOP_UP);
    const driver = await t.driver();
    const tripId = await arrivedTrip(t, rider, driver, 'wallet');
    const key = { 'idempotency-key': `cancel-once-${tripId}` };
    const first = await cancel(t, rider, tripId, key);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const replay = await cancel(t, rider, tripId, key);
    assert.deepEqual([replay.status, replay.body.data], [200, first.body.data]);
    assert.equal((await wallet(t, rider)).balance, TOP_UP - FEE);
    assert.equal((await feeTransfers(tripId)).length, 2, 'one fee and its commission');
  });

  test('recordRiderDues: the same reference twice is one debt, and riderDuesOf reads it', async () => {
    const rider = await t.signup('rider');
    const db = t.platform.database.db;
    const reference = `test:${rider.id}`;
    for (let i = 0; i < 2; i++)
      await withTransaction(db, (tx) => recordRiderDues(tx, { riderId: rider.id, amount: 1_234, reference }));
    assert.equal(await riderDuesOf(db, rider.id), 1_234);
    assert.equal((await wallet(t, rider)).dues, 1_234);
    await reconciles();
  });
});
