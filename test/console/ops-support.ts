/** Helpers of the console's finance suites (not a test file itself). */
import assert from 'node:assert/strict';
import { withTransaction } from '../../src/platform/db/transaction.js';
import { ensureWallet } from '../../src/modules/ledger/index.js';
import type { TestApp, TestUser } from '../../support/harness.js';
import { fund } from '../ledger/support.js';
import { setBankPayoutMethod, sql } from '../payments/support.js';

/** A driver with `amount` in the wallet withdraws it all and an admin approves it: a pending payout. */
export async function pendingPayout(t: TestApp, admin: TestUser, amount: number) {
  const driver = await t.driver();
  const db = t.platform.database.db;
  const account = await withTransaction(db, (tx) => ensureWallet(tx, { ownerId: driver.id, kind: 'driver_wallet' }));
  await fund(db, account.id, amount);
  await setBankPayoutMethod(t, driver);
  const w = await t.api('POST', '/api/v1/wallet/withdrawals', { token: driver.accessToken, body: { amount } });
  assert.equal(w.status, 201, JSON.stringify(w.body));
  const ok = await t.api('POST', `/api/v1/admin/withdrawals/${w.body.data.id}/approve`, { token: admin.accessToken });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  const [row] = await sql(t, 'SELECT id FROM $schema.payouts WHERE withdrawal_id = $1', [w.body.data.id]);
  return { driver, withdrawalId: w.body.data.id as string, payoutId: row.id as string };
}
