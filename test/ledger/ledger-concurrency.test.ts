import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { withTransaction } from '../../src/platform/db/transaction.js';
import { AppError } from '../../src/platform/errors.js';
import { TransferBatcher, systemAccounts, transfer } from '../../src/modules/ledger/index.js';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { LEDGER_TEST_ENV, assertLedgerConsistent, balanceOf, fund, newWallet } from './support.js';

const SPENDS = 100;
const AFFORDABLE = 10;
const PRICE = 1_000;

describe('ledger concurrency', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('ledger_conc', LEDGER_TEST_ENV);
  });
  after(async () => t.close());

  test(
    `${SPENDS} parallel spends from a wallet that affords ${AFFORDABLE}: exactly ${AFFORDABLE} ` + `succeed`,
    async () => {
      const db = t.platform.database.db;
      const rider = await newWallet(t, 'rider');
      await fund(db, rider.accountId, AFFORDABLE * PRICE);
      const { platform_revenue } = await systemAccounts(db);
      const outcomes = await Promise.all(
        Array.from({ length: SPENDS }, (_, i) =>
          withTransaction(db, (tx) =>
            transfer(tx, {
              id: `spend-${i}`,
              type: 'posted',
              debitAccountId: rider.accountId,
              creditAccountId: platform_revenue,
              amount: PRICE,
              kind: 'transfer',
            }),
          ).then(
            () => 'ok',
            (err: unknown) => (err instanceof AppError ? err.code : String(err)),
          ),
        ),
      );
      assert.equal(outcomes.filter((o) => o === 'ok').length, AFFORDABLE);
      assert.equal(outcomes.filter((o) => o === 'INSUFFICIENT_FUNDS').length, SPENDS - AFFORDABLE);
      assert.deepEqual(await balanceOf(db, rider.user.id), {
        balance: 0,
        pending: 0,
        available: 0,
        creditLimit: 0,
        dues: 0,
        currency: 'EGP',
      });
      await assertLedgerConsistent(db);
    },
  );

  test(
    `the same through the group-commit batcher: ${AFFORDABLE} of ${SPENDS} succeed, each caller gets its own ` +
      `result`,
    async () => {
      const db = t.platform.database.db;
      const rider = await newWallet(t, 'rider');
      await fund(db, rider.accountId, AFFORDABLE * PRICE);
      const { platform_revenue } = await systemAccounts(db);
      const batcher = new TransferBatcher(db, { maxBatch: 16, maxInFlight: 2 });
      const results = await Promise.all(
        Array.from({ length: SPENDS }, (_, i) =>
          batcher.submit({
            id: `bspend-${i}`,
            type: 'posted',
            debitAccountId: rider.accountId,
            creditAccountId: platform_revenue,
            amount: PRICE,
            kind: 'transfer',
          }),
        ),
      );
      assert.equal(results.filter((r) => r.status === 'created').length, AFFORDABLE);
      assert.equal(
        results.filter((r) => r.status === 'failed' && r.reason === 'insufficient_funds').length,
        SPENDS - AFFORDABLE,
      );
      results.forEach((r, i) => assert.equal(r.id, `bspend-${i}`));
      assert.equal((await balanceOf(db, rider.user.id)).balance, 0);
      await assertLedgerConsistent(db);
    },
  );
});
