import type { DbHandle } from '../../platform/db/database.js';
import { conflict } from '../../platform/errors.js';
import { CURRENCY, ensureWallet, transfer } from '../ledger/index.js';
import { insertTipOnce } from './fees.repo.js';
import { subjectReference, type MoneySubject } from './money-subject.js';
import type { TipRow } from './payments.tables.js';

/** API.md: a tip is at most 500.00 EGP (and never more than the fare). */
export const MAX_TIP = 50_000;

export interface TipInput {
  /** The trip or service request tipped for. */
  subject: MoneySubject;
  /** The rider or customer who tips; `driverId` the driver or provider who gets it all. */
  riderId: string;
  driverId: string;
  amount: number;
}

/**
 * The rider's one tip on a trip (or a customer's on a service request), 100 % to the driver (provider), from
 * the wallet, in the caller's transaction. The tip row's unique key makes it once: a second (or concurrent)
 * tip finds the first and is 409; a wallet that cannot pay is 402 and the row goes with the rollback.
 */
export async function tipDriver(tx: DbHandle, tip: TipInput): Promise<TipRow> {
  const what = tip.subject.kind === 'trip' ? 'trip' : 'service request';
  const row = await insertTipOnce(tx, tip.subject, {
    rider_id: tip.riderId,
    driver_id: tip.driverId,
    amount: tip.amount,
  });
  if (!row) throw conflict(`This ${what} already has a tip`);
  const reference = subjectReference(tip.subject);
  const rider = await ensureWallet(tx, { ownerId: tip.riderId, kind: 'rider_wallet' });
  const driver = await ensureWallet(tx, { ownerId: tip.driverId, kind: 'driver_wallet' });
  await transfer(tx, {
    id: `${reference}:tip`,
    type: 'posted',
    debitAccountId: rider.id,
    creditAccountId: driver.id,
    amount: tip.amount,
    kind: 'tip',
    reference,
  });
  return row;
}

export function toTipView(row: TipRow) {
  return {
    tripId: row.trip_id,
    serviceRequestId: row.service_request_id,
    amount: row.amount,
    currency: CURRENCY,
    driverId: row.driver_id,
    status: row.status,
    /** Where the rider pays a pending card tip; null once paid or failed, and for wallet tips. */
    paymentUrl: row.status === 'pending' ? row.payment_url : null,
    createdAt: row.created_at.toISOString(),
  };
}
