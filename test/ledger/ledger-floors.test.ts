import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { withTransaction } from '../../src/platform/db/transaction.js';
import { AppError } from '../../src/platform/errors.js';
import {
  duesOf,
  ensureDuesAccount,
  placeHold,
  systemAccounts,
  transfer,
  type Overdraft,
} from '../../src/modules/ledger/index.js';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { LEDGER_TEST_ENV, assertLedgerConsistent, balanceOf, fund, newWallet } from './support.js';

/**
 * A lone transfer takes the one-round-trip path (migration 0075) when it can be
 * applied and the engine otherwise: at every floor the two must agree to the
 * piastre, so each case spends exactly up to a floor, then one piastre past it.
 */
describe('ledger floors, one transfer per transaction', () => {
  let t: TestApp;
  let seq = 0;
  before(async () => {
    t = await startTestApp('ledger_floors', LEDGER_TEST_ENV);
  });
  after(async () => t.close());

  const db = () => t.platform.database.db;
  const pay = (from: number, to: number, amount: number, overdraft: Overdraft = 'none') =>
    withTransaction(db(), (tx) =>
      transfer(tx, {
        id: `floor-${++seq}`,
        type: 'posted',
        debitAccountId: from,
        creditAccountId: to,
        amount,
        kind: 'transfer',
        overdraft,
      }),
    );
  const refusal = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof AppError, `expected a refusal, got ${String(err)}`);
    return (err.details as { reason: string }).reason;
  };

  test('a rider spends exactly the balance, not one piastre more', async () => {
    const a = await newWallet(t, 'rider');
    const b = await newWallet(t, 'rider');
    await fund(db(), a.accountId, 1_000);
    assert.equal((await pay(a.accountId, b.accountId, 600)).status, 'created');
    assert.equal(await refusal(pay(a.accountId, b.accountId, 401)), 'insufficient_funds');
    assert.equal((await pay(a.accountId, b.accountId, 400)).status, 'created');
    assert.equal((await balanceOf(db(), a.user.id)).balance, 0);
    assert.equal((await balanceOf(db(), b.user.id)).balance, 1_000);
  });

  test('a driver goes down to the credit limit only when the transfer allows it', async () => {
    const driver = await newWallet(t, 'driver', 2_000);
    const { platform_revenue } = await systemAccounts(db());
    await fund(db(), driver.accountId, 500);
    assert.equal(await refusal(pay(driver.accountId, platform_revenue, 501)), 'insufficient_funds');
    assert.equal(await refusal(pay(driver.accountId, platform_revenue, 2_501, 'credit_limit')), 'insufficient_funds');
    assert.equal((await pay(driver.accountId, platform_revenue, 2_500, 'credit_limit')).status, 'created');
    assert.equal((await balanceOf(db(), driver.user.id)).balance, -2_000);
  });

  test('a hold lowers what a lone transfer may spend; a system account and rider dues have no floor', async () => {
    const rider = await newWallet(t, 'rider');
    const other = await newWallet(t, 'rider');
    const { withdrawals_pending, provider_clearing } = await systemAccounts(db());
    await fund(db(), rider.accountId, 1_000);
    const hold = { debitAccountId: rider.accountId, creditAccountId: withdrawals_pending, amount: 700 };
    await withTransaction(db(), (tx) =>
      placeHold(tx, t.platform.jobs, { id: `floor-hold-${++seq}`, ...hold, kind: 'withdrawal' }),
    );
    assert.equal(await refusal(pay(rider.accountId, other.accountId, 301)), 'insufficient_funds');
    assert.equal((await pay(rider.accountId, other.accountId, 300)).status, 'created');
    const dues = await withTransaction(db(), (tx) => ensureDuesAccount(tx, rider.user.id));
    assert.equal((await pay(dues.id, other.accountId, 900)).status, 'created');
    assert.equal(await duesOf(db(), rider.user.id), 900);
    assert.equal((await pay(provider_clearing, other.accountId, 5_000)).status, 'created');
    assert.equal((await balanceOf(db(), other.user.id)).balance, 6_200);
    await assertLedgerConsistent(db());
  });
});
