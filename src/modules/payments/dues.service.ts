import type { DbHandle } from '../../platform/db/database.js';
import {
  duesOf,
  ensureDuesAccount,
  systemAccounts,
  transfer,
  transferById,
  type Applied,
  type TransferKind,
} from '../ledger/index.js';

/**
 * Rider dues (issue 15, DUES DESIGN): a rider who cannot pay owes it. Owing X
 * is a transfer of X from the rider's `rider_dues` account (created on demand,
 * allowed below zero: it is an IOU) to whoever is owed; the dues outstanding
 * are that account's debit balance; the next trip's settlement pays them back
 * in (see flows/settle-trip.ts).
 */
export interface RiderDuesInput {
  riderId: string;
  amount: number;
  /** What the debt is for, e.g. `trip:<id>`; the transfer id derives from it unless `transferId` is given. */
  reference: string;
  /** Who is owed (an account id); the platform's revenue when omitted. */
  creditAccount?: number;
  /** Defaults to `dues`; a cancellation fee owed is booked as `cancellation_fee`. */
  kind?: TransferKind;
  transferId?: string;
}

/** Books a debt in the caller's transaction; the same reference twice is the first booking, not a second debt. */
export async function recordRiderDues(tx: DbHandle, input: RiderDuesInput): Promise<Applied> {
  const dues = await ensureDuesAccount(tx, input.riderId);
  const creditAccountId = input.creditAccount ?? (await systemAccounts(tx)).platform_revenue;
  return transfer(tx, {
    id: input.transferId ?? `${input.reference}:dues`,
    type: 'posted',
    debitAccountId: dues.id,
    creditAccountId,
    amount: input.amount,
    kind: input.kind ?? 'dues',
    reference: input.reference,
  });
}

/** Piastres the rider owes now (0 when nothing). */
export async function riderDuesOf(db: DbHandle, riderId: string): Promise<number> {
  return duesOf(db, riderId);
}

/** Transfer id of the dues a trip's settlement paid (one per trip). */
export function duesClearedTransferId(tripId: string): string {
  return `trip:${tripId}:dues_cleared`;
}

/** Earlier dues the rider paid with this trip's fare (the receipt's `previous_dues` item); 0 when none. */
export async function settledDuesOf(db: DbHandle, tripId: string): Promise<number> {
  return (await transferById(db, duesClearedTransferId(tripId)))?.amount ?? 0;
}
