import type { DbHandle } from '../../platform/db/database.js';
import { findSettlement, insertFinanceAlert, insertSettlement } from './finance.repo.js';
import type { SettlementRow } from './payments.tables.js';

export type SettlementRecord = Omit<SettlementRow, 'settled_at' | 'refunded'>;

/** One row per settled trip (the earnings reports read these); runs in the trip-completion transaction. */
export async function recordSettlement(tx: DbHandle, record: SettlementRecord): Promise<SettlementRow> {
  return (await findSettlement(tx, record.trip_id)) ?? insertSettlement(tx, record);
}

export async function findTripSettlement(db: DbHandle, tripId: string) {
  return findSettlement(db, tripId);
}

/** A driver's cash commission went past the credit limit; the excess is booked to cash clearing. */
export async function alertCreditLimitExceeded(
  tx: DbHandle,
  args: { driverId: string; tripId: string; overflow: number },
) {
  await insertFinanceAlert(tx, {
    kind: 'driver_credit_limit_exceeded',
    subjectId: args.driverId,
    message: 'Cash commission beyond the driver credit limit: collect in cash',
    details: { tripId: args.tripId, overflow: args.overflow },
  });
}
