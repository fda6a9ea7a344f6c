import type { DbHandle } from '../../platform/db/database.js';
import { AppError, ErrorCode } from '../../platform/errors.js';
import { availableOf } from './ledger.engine.js';
import { duesOf } from './dues.service.js';
import {
  findSystemAccountIds,
  findWalletAccount,
  insertOwnedAccountIfMissing,
  listPostedTransfers,
  netCreditsByDay,
} from './ledger.repo.js';
import type { AccountState, SystemAccountKind, WalletKind } from './ledger.types.js';

export const CURRENCY = 'EGP';

export interface WalletOwner {
  ownerId: string;
  kind: WalletKind;
  /** Drivers only: how much cash commission they may owe (config DRIVER_CREDIT_LIMIT). */
  creditLimit?: number;
}

export function walletKindFor(role: 'rider' | 'driver'): WalletKind {
  return role === 'driver' ? 'driver_wallet' : 'rider_wallet';
}

/** The owner's wallet, created at 0 on first use (concurrent first uses are fine). */
export async function ensureWallet(tx: DbHandle, owner: WalletOwner): Promise<AccountState> {
  const found = await findWalletAccount(tx, owner.ownerId);
  if (found) return found;
  const creditLimit = owner.kind === 'driver_wallet' ? (owner.creditLimit ?? 0) : 0;
  await insertOwnedAccountIfMissing(tx, { ownerId: owner.ownerId, kind: owner.kind, creditLimit });
  return (await findWalletAccount(tx, owner.ownerId))!;
}

export async function findWallet(db: DbHandle, ownerId: string): Promise<AccountState | undefined> {
  return findWalletAccount(db, ownerId);
}

/** Ids of the platform's own accounts (seeded by the migration). */
export async function systemAccounts(db: DbHandle): Promise<Record<SystemAccountKind, number>> {
  const ids = await findSystemAccountIds(db);
  const get = (k: SystemAccountKind) => {
    const id = ids.get(k);
    if (id === undefined) throw new Error(`system account ${k} missing: migrations 0003/0020 not applied?`);
    return id;
  };
  return {
    platform_revenue: get('platform_revenue'),
    cash_clearing: get('cash_clearing'),
    provider_clearing: get('provider_clearing'),
    withdrawals_pending: get('withdrawals_pending'),
    payout_clearing: get('payout_clearing'),
  };
}

export interface WalletSummary {
  balance: number;
  pending: number;
  available: number;
  creditLimit: number;
  /** What the owner owes from unpaid fees (riders; cleared by the next trip's settlement). */
  dues: number;
  currency: string;
}

/** API.md Wallet: balance = posted, pending = on hold, available = what can be spent now, dues = owed. */
export function summarize(account: AccountState | undefined, dues = 0): WalletSummary {
  if (!account) return { balance: 0, pending: 0, available: 0, creditLimit: 0, dues, currency: CURRENCY };
  return {
    balance: account.creditsPosted - account.debitsPosted,
    pending: account.debitsPending,
    available: availableOf(account),
    creditLimit: account.creditLimit,
    dues,
    currency: CURRENCY,
  };
}

export async function walletSummary(db: DbHandle, ownerId: string): Promise<WalletSummary> {
  return summarize(await findWalletAccount(db, ownerId), await duesOf(db, ownerId));
}

/** 402 INSUFFICIENT_FUNDS unless the wallet can spend `amount` now (no overdraft). */
export async function assertCanPay(db: DbHandle, ownerId: string, amount: number): Promise<void> {
  const { available } = await walletSummary(db, ownerId);
  if (available < amount) {
    throw new AppError(ErrorCode.INSUFFICIENT_FUNDS, 'Wallet balance does not cover the fare', {
      available,
      required: amount,
      currency: CURRENCY,
    });
  }
}

export interface WalletTransaction {
  id: string;
  amount: number;
  kind: string;
  reference: string | null;
  createdAt: string;
}

function encodeSeqCursor(seq: number) {
  return Buffer.from(`s:${seq}`).toString('base64url');
}

function decodeSeqCursor(cursor: string | undefined): number | undefined {
  if (!cursor) return undefined;
  const match = /^s:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match)
    throw new AppError(ErrorCode.VALIDATION_ERROR, 'Invalid cursor', [
      { field: 'query.cursor', message: 'not a cursor from this API' },
    ]);
  return Number(match[1]);
}

/** Posted movements, newest first; the amounts of every page add up to the balance. */
export async function listWalletTransactions(db: DbHandle, ownerId: string, page: { limit: number; cursor?: string }) {
  const beforeSeq = decodeSeqCursor(page.cursor);
  const account = await findWalletAccount(db, ownerId);
  if (!account) return { items: [] as WalletTransaction[], nextCursor: null };
  const rows = await listPostedTransfers(db, { accountId: account.id, limit: page.limit, beforeSeq });
  const slice = rows.slice(0, page.limit);
  const last = slice[slice.length - 1];
  const items = slice.map((r): WalletTransaction => ({
    id: r.id,
    amount: r.amount,
    kind: r.kind,
    reference: r.reference,
    createdAt: r.created_at.toISOString(),
  }));
  return { items, nextCursor: rows.length > page.limit && last ? encodeSeqCursor(last.seq) : null };
}

/** Platform revenue (net commission credited) per local day. */
export async function platformRevenueByDay(db: DbHandle, range: { from: Date; to: Date; timeZone: string }) {
  const { platform_revenue } = await systemAccounts(db);
  const rows = await netCreditsByDay(db, { accountId: platform_revenue, ...range });
  return rows.map((r) => ({ day: r.day, revenue: Number(r.net), trips: r.references, currency: CURRENCY }));
}
