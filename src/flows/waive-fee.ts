import type { Db } from '../platform/db/database.js';
import { withTransaction } from '../platform/db/transaction.js';
import { toFeeView, waiveCancellationFee } from '../modules/payments/index.js';
import { tripRecords } from '../modules/trips/index.js';

export interface WaiveFeeDeps {
  db: Db;
  /** For a driver wallet created by the reversal (config DRIVER_CREDIT_LIMIT). */
  driverCreditLimit: number;
}

/**
 * An admin waives a cancelled trip's fee: the money goes back (payments, with
 * its audit row) and the trip shows the fee as waived, in one transaction.
 */
export async function waiveFee(deps: WaiveFeeDeps, input: { tripId: string; adminId: string; reason: string }) {
  return withTransaction(deps.db, async (tx) => {
    const fee = await waiveCancellationFee(tx, { ...input, driverCreditLimit: deps.driverCreditLimit });
    await tripRecords.markFeeWaived(tx, input.tripId);
    return toFeeView(fee);
  });
}
