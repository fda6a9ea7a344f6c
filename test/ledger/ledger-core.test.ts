import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { withTransaction } from '../../src/platform/db/transaction.js';
import { AppError } from '../../src/platform/errors.js';
import {
  createTransfers,
  placeHold,
  postHold,
  systemAccounts,
  transfer,
  voidHold,
} from '../../src/modules/ledger/index.js';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { LEDGER_TEST_ENV, assertLedgerConsistent, balanceOf, fund, newWallet } from './support.js';

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof AppError, `expected an AppError, got ${String(err)}`);
  return err;
}

describe('ledger core', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('ledger_core', LEDGER_TEST_ENV);
  });
  after(async () => t.close());

  const db = () => t.platform.database.db;
  const pay = (id: string, from: number, to: number, amount: number) =>
    withTransaction(db(), (tx) =>
      transfer(tx, { id, type: 'posted', debitAccountId: from, creditAccountId: to, amount, kind: 'transfer' }),
    );

  test('the same transfer id twice moves money once; with other fields it is a 409', async () => {
    const a = await newWallet(t, 'rider');
    const b = await newWallet(t, 'rider');
    await fund(db(), a.accountId, 10_000);
    assert.equal((await pay('idem-1', a.accountId, b.accountId, 2_500)).status, 'created');
    assert.equal((await pay('idem-1', a.accountId, b.accountId, 2_500)).status, 'exists');
    assert.equal((await balanceOf(db(), b.user.id)).balance, 2_500);
    const err = await rejection(pay('idem-1', a.accountId, b.accountId, 2_600));
    assert.equal(err.status, 409);
    assert.deepEqual(err.details, { reason: 'exists_with_different_fields' });
    assert.equal((await balanceOf(db(), a.user.id)).balance, 7_500);
  });

  test('20 concurrent retries of one transfer: one created, the rest see it', async () => {
    const a = await newWallet(t, 'rider');
    const b = await newWallet(t, 'rider');
    await fund(db(), a.accountId, 1_000);
    const results = await Promise.all(Array.from({ length: 20 }, () => pay('race-1', a.accountId, b.accountId, 700)));
    assert.equal(results.filter((r) => r.status === 'created').length, 1);
    assert.equal(results.filter((r) => r.status === 'exists').length, 19);
    assert.equal((await balanceOf(db(), a.user.id)).balance, 300);
  });

  test('a wallet cannot go below zero: 402 and nothing written', async () => {
    const a = await newWallet(t, 'rider');
    const b = await newWallet(t, 'rider');
    await fund(db(), a.accountId, 500);
    const err = await rejection(pay('too-much', a.accountId, b.accountId, 501));
    assert.equal(err.status, 402);
    assert.equal(err.code, 'INSUFFICIENT_FUNDS');
    const [row] = (
      await t.platform.database.pool.query(
        `SELECT count(*)::int AS n FROM "${t.schema}".ledger_transfers WHERE id = 'too-much'`,
      )
    ).rows;
    assert.equal(row.n, 0);
  });

  test('holds: pending reserves, post moves, void releases, and a hold resolves only once', async () => {
    const driver = await newWallet(t, 'driver');
    await fund(db(), driver.accountId, 10_000);
    const { withdrawals_pending: out } = await systemAccounts(db());
    await withTransaction(db(), (tx) =>
      placeHold(tx, t.platform.jobs, {
        id: 'hold-1',
        debitAccountId: driver.accountId,
        creditAccountId: out,
        amount: 4_000,
        kind: 'withdrawal',
      }),
    );
    assert.deepEqual(await balanceOf(db(), driver.user.id), {
      balance: 10_000,
      pending: 4_000,
      available: 6_000,
      creditLimit: 0,
      dues: 0,
      currency: 'EGP',
    });
    await withTransaction(db(), (tx) => postHold(tx, { id: 'hold-1:post', pendingId: 'hold-1' }));
    assert.equal((await balanceOf(db(), driver.user.id)).balance, 6_000);
    assert.equal((await balanceOf(db(), driver.user.id)).pending, 0);
    const err = await rejection(
      withTransaction(db(), (tx) => voidHold(tx, { id: 'hold-1:void', pendingId: 'hold-1' })),
    );
    assert.deepEqual([err.status, err.details], [409, { reason: 'pending_already_posted' }]);

    await withTransaction(db(), (tx) =>
      placeHold(tx, t.platform.jobs, {
        id: 'hold-2',
        debitAccountId: driver.accountId,
        creditAccountId: out,
        amount: 6_000,
        kind: 'withdrawal',
      }),
    );
    assert.equal((await balanceOf(db(), driver.user.id)).available, 0);
    await withTransaction(db(), (tx) => voidHold(tx, { id: 'hold-2:void', pendingId: 'hold-2' }));
    assert.equal((await balanceOf(db(), driver.user.id)).available, 6_000);
    await assertLedgerConsistent(db());
  });

  test('the expiry job voids a hold once its timeout passes', async () => {
    const driver = await newWallet(t, 'driver');
    await fund(db(), driver.accountId, 3_000);
    const { withdrawals_pending: out } = await systemAccounts(db());
    await withTransaction(db(), (tx) =>
      placeHold(tx, t.platform.jobs, {
        id: 'hold-exp',
        debitAccountId: driver.accountId,
        creditAccountId: out,
        amount: 3_000,
        kind: 'transfer',
        timeoutAt: new Date(Date.now() + 300),
      }),
    );
    assert.equal((await balanceOf(db(), driver.user.id)).available, 0);
    await t.platform.jobs.start();
    const deadline = Date.now() + 15_000;
    while ((await balanceOf(db(), driver.user.id)).available !== 3_000) {
      assert.ok(Date.now() < deadline, 'hold was not released by the expiry job');
      await sleep(100);
    }
    const late = await rejection(
      withTransaction(db(), (tx) => postHold(tx, { id: 'hold-exp:post', pendingId: 'hold-exp' })),
    );
    assert.deepEqual(late.details, { reason: 'pending_already_voided' });
    await t.platform.jobs.stop();
  });

  test(
    'opposite transfers between two wallets on 10 connections at once: no deadlock surfaces, money is ' + 'conserved',
    async () => {
      const a = await newWallet(t, 'rider');
      const b = await newWallet(t, 'rider');
      await fund(db(), a.accountId, 100_000);
      await fund(db(), b.accountId, 100_000);
      // 10 lanes (the pool's size) of 20 transfers, half of them A→B and half B→A, all lanes running together.
      const lanes = Array.from({ length: 10 }, async (_, lane) => {
        for (let i = 0; i < 20; i++) {
          const n = lane * 20 + i;
          await (lane % 2 === 0
            ? pay(`ab-${n}`, a.accountId, b.accountId, 100 + n)
            : pay(`ab-${n}`, b.accountId, a.accountId, 100 + n));
        }
      });
      const results = await Promise.allSettled(lanes);
      assert.deepEqual(
        results.filter((r) => r.status === 'rejected'),
        [],
      );
      const total = (await balanceOf(db(), a.user.id)).balance + (await balanceOf(db(), b.user.id)).balance;
      assert.equal(total, 200_000);
      await assertLedgerConsistent(db());
    },
  );

  test('independent batches: one failure does not sink its neighbours', async () => {
    const a = await newWallet(t, 'rider');
    const b = await newWallet(t, 'rider');
    await fund(db(), a.accountId, 1_000);
    const results = await withTransaction(db(), (tx) =>
      createTransfers(tx, [
        {
          id: 'batch-1',
          type: 'posted',
          debitAccountId: a.accountId,
          creditAccountId: b.accountId,
          amount: 600,
          kind: 'transfer',
        },
        {
          id: 'batch-2',
          type: 'posted',
          debitAccountId: a.accountId,
          creditAccountId: b.accountId,
          amount: 600,
          kind: 'transfer',
        },
        {
          id: 'batch-3',
          type: 'posted',
          debitAccountId: a.accountId,
          creditAccountId: b.accountId,
          amount: 400,
          kind: 'transfer',
        },
      ]),
    );
    assert.deepEqual(
      results.map((r) => (r.status === 'failed' ? r.reason : r.status)),
      ['created', 'insufficient_funds', 'created'],
    );
    assert.equal((await balanceOf(db(), a.user.id)).balance, 0);
  });

  test('the database itself refuses a wallet below its floor and any change to a transfer', async () => {
    const a = await newWallet(t, 'rider');
    const pool = t.platform.database.pool;
    await assert.rejects(
      pool.query(`UPDATE "${t.schema}".ledger_accounts SET debits_posted = 1 WHERE id = $1`, [a.accountId]),
      /ledger_accounts_wallet_floor/,
    );
    await fund(db(), a.accountId, 100);
    await assert.rejects(
      pool.query(`UPDATE "${t.schema}".ledger_transfers SET amount = 1 WHERE credit_account_id = $1`, [a.accountId]),
      /immutable/,
    );
    await assert.rejects(
      pool.query(`DELETE FROM "${t.schema}".ledger_transfers WHERE credit_account_id = $1`, [a.accountId]),
      /immutable/,
    );
  });
});
