/** Shared helpers of the payouts suites (payouts, payouts-decisions); not a test file itself. */
import assert from 'node:assert/strict';
import { withTransaction } from '../../src/platform/db/transaction.js';
import { ensureWallet } from '../../src/modules/ledger/index.js';
import type { TestUser } from '../../support/harness.js';
import { fund } from '../ledger/support.js';
import { EG_IBAN, setBankPayoutMethod, sql, startPaymentsApp, type PaymentsTest } from './support.js';

export const IBAN_ELECTRONIC = EG_IBAN.replaceAll(' ', '');

/** The payments app with the credit limit the payouts suites assume. */
export const startPayoutsApp = (name: string) => startPaymentsApp(name, { DRIVER_CREDIT_LIMIT: '5000' });

export async function driverWith(
  ctx: PaymentsTest,
  amount: number,
  opts: { method?: boolean; holder?: string } = {},
): Promise<TestUser> {
  const driver = await ctx.t.driver();
  const db = ctx.t.platform.database.db;
  const account = await withTransaction(db, (tx) =>
    ensureWallet(tx, { ownerId: driver.id, kind: 'driver_wallet', creditLimit: 5_000 }),
  );
  if (amount > 0) await fund(db, account.id, amount);
  if (opts.method !== false) await setBankPayoutMethod(ctx.t, driver, opts.holder);
  return driver;
}

export const withdraw = (ctx: PaymentsTest, driver: TestUser, amount: number) =>
  ctx.t.api('POST', '/api/v1/wallet/withdrawals', { token: driver.accessToken, body: { amount } });

/** A driver whose approved withdrawal of `amount` is now a pending payout. */
export async function approvedPayout(ctx: PaymentsTest, admin: TestUser, amount: number, holder?: string) {
  const driver = await driverWith(ctx, amount, { holder });
  const w = await withdraw(ctx, driver, amount);
  assert.equal(w.status, 201, JSON.stringify(w.body));
  const ok = await ctx.t.api('POST', `/api/v1/admin/withdrawals/${w.body.data.id}/approve`, {
    token: admin.accessToken,
  });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  const [row] = await sql(ctx.t, 'SELECT id FROM $schema.payouts WHERE withdrawal_id = $1', [w.body.data.id]);
  return { driver, withdrawalId: w.body.data.id as string, payoutId: row.id as string };
}

export const payoutTransfers = (ctx: PaymentsTest, payoutId: string) =>
  sql(ctx.t, `SELECT kind, amount::int FROM $schema.ledger_transfers WHERE reference = $1 ORDER BY seq`, [
    `payout:${payoutId}`,
  ]);
