import type { DbHandle } from '../../platform/db/database.js';
import { findOwnedAccount, insertOwnedAccountIfMissing } from './ledger.repo.js';
import type { AccountState } from './ledger.types.js';

/**
 * A rider's dues account (issue 15): an IOU. Owing X is a transfer of X out of
 * it to whoever is owed (overdraft allowed, the engine sets no floor on it);
 * paying is a transfer back in. What the rider owes is its debit balance.
 */

/** The rider's dues account, created at 0 on first use (concurrent first uses are fine). */
export async function ensureDuesAccount(tx: DbHandle, riderId: string): Promise<AccountState> {
  const found = await findOwnedAccount(tx, riderId, ['rider_dues']);
  if (found) return found;
  await insertOwnedAccountIfMissing(tx, { ownerId: riderId, kind: 'rider_dues', creditLimit: 0 });
  return (await findOwnedAccount(tx, riderId, ['rider_dues']))!;
}

export async function findDuesAccount(db: DbHandle, riderId: string): Promise<AccountState | undefined> {
  return findOwnedAccount(db, riderId, ['rider_dues']);
}

/** Dues outstanding on an account as read (e.g. under its lock): its debit balance. */
export function duesOwed(account: Pick<AccountState, 'debitsPosted' | 'creditsPosted'> | undefined): number {
  return account ? Math.max(0, account.debitsPosted - account.creditsPosted) : 0;
}

/** What the user owes now (0 when they never owed anything). */
export async function duesOf(db: DbHandle, ownerId: string): Promise<number> {
  return duesOwed(await findDuesAccount(db, ownerId));
}
