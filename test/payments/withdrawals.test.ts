import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { withTransaction } from '../../src/platform/db/transaction.js';
import { runUnitOfWork } from '../../src/platform/events/unit-of-work.js';
import { ensureWallet, expireHold, systemAccounts, transfer } from '../../src/modules/ledger/index.js';
import { WITHDRAWAL_HOLD_TTL_MS, withdrawalHoldExpired } from '../../src/modules/payments/index.js';
import type { TestUser } from '../../support/harness.js';
import { fund } from '../ledger/support.js';
import { setBankPayoutMethod, sql, startPaymentsApp, topUp, wallet, type PaymentsTest } from './support.js';
import { retrying503 } from '../support/client-retry.js';

describe('driver withdrawals', () => {
  let ctx: PaymentsTest;
  before(async () => {
    ctx = await startPaymentsApp('pay_withdrawals', { DRIVER_CREDIT_LIMIT: '5000' });
  });
  after(async () => ctx.close());

  /** A driver with earnings in the wallet (not a fresh deposit, which a fraud rule would flag). */
  async function driverWith(amount: number): Promise<TestUser> {
    const driver = await ctx.t.driver();
    const db = ctx.t.platform.database.db;
    const account = await withTransaction(db, (tx) =>
      ensureWallet(tx, { ownerId: driver.id, kind: 'driver_wallet', creditLimit: 5_000 }),
    );
    if (amount > 0) await fund(db, account.id, amount);
    await setBankPayoutMethod(ctx.t, driver);
    return driver;
  }

  const withdraw = (driver: TestUser, amount: unknown) =>
    ctx.t.api('POST', '/api/v1/wallet/withdrawals', { token: driver.accessToken, body: { amount } });

  test(
    'a withdrawal holds the money; approving posts it, with an audit row; repeating is harmless, reversing is ' + '409',
    async () => {
      const { t } = ctx;
      const driver = await driverWith(20_000);
      const res = await withdraw(driver, 15_000);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.data.status, 'pending');
      assert.deepEqual(await wallet(t, driver), {
        balance: 20_000,
        pending: 15_000,
        available: 5_000,
        creditLimit: 5_000,
        dues: 0,
        currency: 'EGP',
      });
      const admin = await t.admin();
      const path = `/api/v1/admin/withdrawals/${res.body.data.id}`;
      const approved = await t.api('POST', `${path}/approve`, {
        token: admin.accessToken,
        body: { note: 'paid by bank transfer' },
      });
      assert.equal(approved.status, 200, JSON.stringify(approved.body));
      assert.equal(approved.body.data.status, 'approved');
      assert.deepEqual(await wallet(t, driver), {
        balance: 5_000,
        pending: 0,
        available: 5_000,
        creditLimit: 5_000,
        dues: 0,
        currency: 'EGP',
      });
      assert.equal((await t.api('POST', `${path}/approve`, { token: admin.accessToken })).status, 200);
      assert.equal((await t.api('POST', `${path}/reject`, { token: admin.accessToken })).status, 409);
      const audit = await sql(
        t,
        `SELECT actor_id, action, details->>'note' AS note FROM $schema.audit_log WHERE target_type = 'withdrawal' ` +
          `AND target_id = $1`,
        [res.body.data.id],
      );
      assert.deepEqual(audit, [{ actor_id: admin.id, action: 'withdrawal.approve', note: 'paid by bank transfer' }]);
      const txs = await t.api('GET', '/api/v1/wallet/transactions', { token: driver.accessToken });
      assert.equal(txs.body.data[0].amount, -15_000);
      assert.equal(txs.body.data[0].kind, 'withdrawal');
    },
  );

  test('rejecting releases the hold, with an audit row', async () => {
    const { t } = ctx;
    const driver = await driverWith(8_000);
    const res = await withdraw(driver, 8_000);
    assert.equal((await wallet(t, driver)).available, 0);
    const admin = await t.admin();
    const rejected = await t.api('POST', `/api/v1/admin/withdrawals/${res.body.data.id}/reject`, {
      token: admin.accessToken,
    });
    assert.equal(rejected.body.data.status, 'rejected');
    assert.equal((await wallet(t, driver)).available, 8_000);
    assert.equal(
      (
        await sql(t, `SELECT 1 FROM $schema.audit_log WHERE action = 'withdrawal.reject' AND target_id = $1`, [
          res.body.data.id,
        ])
      ).length,
      1,
    );
  });

  test('held money and owed money cannot be withdrawn (402)', async () => {
    const { t } = ctx;
    const driver = await driverWith(10_000);
    assert.equal((await withdraw(driver, 6_000)).status, 201);
    const again = await withdraw(driver, 6_000);
    assert.equal(again.status, 402);
    assert.equal(again.body.error.code, 'INSUFFICIENT_FUNDS');
    const owing = await driverWith(0);
    const db = t.platform.database.db;
    const { platform_revenue } = await systemAccounts(db);
    const account = await withTransaction(db, (tx) => ensureWallet(tx, { ownerId: owing.id, kind: 'driver_wallet' }));
    await withTransaction(db, (tx) =>
      transfer(tx, {
        id: `owed-${owing.id}`,
        type: 'posted',
        debitAccountId: account.id,
        creditAccountId: platform_revenue,
        amount: 750,
        kind: 'commission',
        overdraft: 'credit_limit',
      }),
    );
    assert.equal((await wallet(t, owing)).balance, -750);
    assert.equal((await withdraw(owing, 1)).status, 402);
  });

  test("who may do what: riders 403, bad amounts 400, another driver's withdrawal 404", async () => {
    const { t } = ctx;
    const rider = await t.signup('rider');
    assert.equal(
      (await t.api('POST', '/api/v1/wallet/withdrawals', { token: rider.accessToken, body: { amount: 100 } })).status,
      403,
    );
    const driver = await driverWith(5_000);
    for (const amount of [-1, 0, 1.5, '100', 1e10])
      assert.equal((await withdraw(driver, amount)).status, 400, String(amount));
    const mine = await withdraw(driver, 1_000);
    const other = await driverWith(0);
    assert.equal(
      (await t.api('GET', `/api/v1/wallet/withdrawals/${mine.body.data.id}`, { token: other.accessToken })).status,
      404,
    );
    assert.equal(
      (await t.api('GET', `/api/v1/wallet/withdrawals/${mine.body.data.id}`, { token: driver.accessToken })).status,
      200,
    );
    const admin = await t.admin();
    assert.equal(
      (
        await t.api('POST', '/api/v1/admin/withdrawals/00000000-0000-4000-8000-000000000000/approve', {
          token: admin.accessToken,
        })
      ).status,
      404,
    );
    assert.equal(
      (await t.api('POST', `/api/v1/admin/withdrawals/${mine.body.data.id}/approve`, { token: driver.accessToken }))
        .status,
      403,
    );
  });

  test('100 parallel withdrawals from a wallet that affords 10: exactly 10 holds', async () => {
    const { t } = ctx;
    const driver = await driverWith(10 * 1_000);
    // A 503 (pool wait past its timeout on a loaded box) wrote nothing; a client retries it as Retry-After says.
    const results = await Promise.all(Array.from({ length: 100 }, () => retrying503(() => withdraw(driver, 1_000))));
    const tally: Record<number, number> = {};
    for (const r of results) tally[r.status] = (tally[r.status] ?? 0) + 1;
    assert.deepEqual(tally, { 201: 10, 402: 90 });
    assert.deepEqual(await wallet(t, driver), {
      balance: 10_000,
      pending: 10_000,
      available: 0,
      creditLimit: 5_000,
      dues: 0,
      currency: 'EGP',
    });
  });

  test('a withdrawal right after a deposit is held for review with its reason', async () => {
    const { t } = ctx;
    const driver = await driverWith(0);
    await topUp(ctx, driver, 5_000);
    const res = await withdraw(driver, 4_000);
    assert.equal(res.status, 201);
    assert.deepEqual([res.body.data.status, res.body.data.reviewReason], ['review', 'withdrawal_soon_after_deposit']);
    assert.equal(
      (
        await sql(t, `SELECT 1 FROM $schema.finance_alerts WHERE kind = 'withdrawal_review' AND subject_id = $1`, [
          res.body.data.id,
        ])
      ).length,
      1,
    );
    const admin = await t.admin();
    const listed = await t.api('GET', '/api/v1/admin/withdrawals?status=review', { token: admin.accessToken });
    assert.ok(listed.body.data.some((w: any) => w.id === res.body.data.id));
  });

  test('an undecided withdrawal expires with its hold and the money is spendable again', async () => {
    const { t } = ctx;
    const driver = await driverWith(3_000);
    const res = await withdraw(driver, 3_000);
    const holdId = `withdrawal:${res.body.data.id}:hold`;
    const later = new Date(Date.now() + WITHDRAWAL_HOLD_TTL_MS + 1_000);
    // What the ledger.expire_hold job does at the timeout, run at a clock a week ahead.
    await runUnitOfWork(t.platform.database.db, t.platform.bus, async (tx, events) => {
      const released = await expireHold(tx, holdId, later);
      assert.ok(released);
      await withdrawalHoldExpired(t.app.payments)(tx, events, released);
    });
    assert.equal(
      (await t.api('GET', `/api/v1/wallet/withdrawals/${res.body.data.id}`, { token: driver.accessToken })).body.data
        .status,
      'expired',
    );
    assert.equal((await wallet(t, driver)).available, 3_000);
    const admin = await t.admin();
    assert.equal(
      (await t.api('POST', `/api/v1/admin/withdrawals/${res.body.data.id}/approve`, { token: admin.accessToken }))
        .status,
      409,
    );
  });
});
