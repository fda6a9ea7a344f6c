import type { DbHandle } from '../../platform/db/database.js';
import { conflict } from '../../platform/errors.js';
import { CURRENCY, ensureWallet, transfer } from '../ledger/index.js';
import { insertTipOnce } from './fees.repo.js';
import type { TipRow } from './payments.tables.js';

/** API.md: a tip is at most 500.00 EGP (and never more than the fare). */
export const MAX_TIP = 50_000;

export interface TipInput {
  tripId: string;
  riderId: string;
  driverId: string;
  amount: number;
}

/**
 * The rider's one tip on a trip, 100 % to the driver, from the rider's
 * wallet, in the caller's transaction. The tip row's primary key makes it
 * once: a second (or concurrent) tip finds the first and is 409; a wallet
 * that cannot pay is 402 and the row goes with the rollback.
 */
export async function tipDriver(tx: DbHandle, tip: TipInput): Promise<TipRow> {
  const row = await insertTipOnce(tx, {
    trip_id: tip.tripId,
    rider_id: tip.riderId,
    driver_id: tip.driverId,
    amount: tip.amount,
  });
  if (!row) throw conflict('This trip already has a tip');
  const rider = await ensureWallet(tx, { ownerId: tip.riderId, kind: 'rider_wallet' });
  const driver = await ensureWallet(tx, { ownerId: tip.driverId, kind: 'driver_wallet' });
  await transfer(tx, {
    id: `trip:${tip.tripId}:tip`,
    type: 'posted',
    debitAccountId: rider.id,
    creditAccountId: driver.id,
    amount: tip.amount,
    kind: 'tip',
    reference: `trip:${tip.tripId}`,
  });
  return row;
}

export function toTipView(row: TipRow) {
  return {
    tripId: row.trip_id,
    amount: row.amount,
    currency: CURRENCY,
    driverId: row.driver_id,
    status: row.status,
    /** Where the rider pays a pending card tip; null once paid or failed, and for wallet tips. */
    paymentUrl: row.status === 'pending' ? row.payment_url : null,
    createdAt: row.created_at.toISOString(),
  };
}
