/** Shared helpers of the ledger suites (not a test file itself). */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { withTransaction } from '../../src/platform/db/transaction.js';
import type { Db } from '../../src/platform/db/database.js';
import {
  auditLedger,
  ensureWallet,
  systemAccounts,
  transfer,
  walletSummary,
  type AuditCheck,
} from '../../src/modules/ledger/index.js';
import type { TestApp, TestUser } from '../../support/harness.js';

/**
 * Dispatch's inline first round would offer our trips to other drivers; ledger suites drive offers themselves.
 * A small pool: the shared test server has 100 connections for every suite running; bursts queue in the pool.
 */
export const LEDGER_TEST_ENV = { DISPATCH_INLINE_FIRST_ROUND: 'false', DB_POOL_MAX: '10' };

export interface Wallet {
  user: TestUser;
  accountId: number;
}

export async function newWallet(t: TestApp, role: 'rider' | 'driver', creditLimit = 0): Promise<Wallet> {
  const user = await t.signup(role);
  const kind = role === 'driver' ? 'driver_wallet' : 'rider_wallet';
  const account = await withTransaction(t.platform.database.db, (tx) =>
    ensureWallet(tx, { ownerId: user.id, kind, creditLimit }),
  );
  return { user, accountId: account.id };
}

/** Puts money in a wallet the way a deposit does (provider clearing → wallet). */
export async function fund(db: Db, accountId: number, amount: number) {
  const { provider_clearing } = await systemAccounts(db);
  await withTransaction(db, (tx) =>
    transfer(tx, {
      id: `test-fund:${randomUUID()}`,
      type: 'posted',
      debitAccountId: provider_clearing,
      creditAccountId: accountId,
      amount,
      kind: 'deposit',
      reference: null,
    }),
  );
}

export async function balanceOf(db: Db, userId: string) {
  return walletSummary(db, userId);
}

/** Every ledger invariant, read in one REPEATABLE READ snapshot. */
export async function audit(db: Db): Promise<AuditCheck[]> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute((tx) => auditLedger(tx));
}

export async function assertLedgerConsistent(db: Db) {
  const checks = await audit(db);
  for (const c of checks) assert.ok(c.ok, `${c.name} failed: ${JSON.stringify(c.details)}`);
}
