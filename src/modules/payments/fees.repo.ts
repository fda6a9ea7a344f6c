import type { DbHandle } from '../../platform/db/database.js';
import { subjectColumn, subjectColumns, type MoneySubject } from './money-subject.js';
import type { CancellationFeeRow, PaymentTables, TipRow } from './payments.tables.js';

const q = (db: DbHandle) => db.withTables<PaymentTables>();

export async function insertCancellationFee(
  db: DbHandle,
  row: Omit<CancellationFeeRow, 'created_at' | 'waived_by' | 'waived_at' | 'waive_reason'>,
): Promise<CancellationFeeRow> {
  return q(db).insertInto('cancellation_fees').values(row).returningAll().executeTakeFirstOrThrow();
}

/** The trip's fee, row-locked: a waiver and anything else touching it take turns. */
export async function lockCancellationFee(db: DbHandle, tripId: string): Promise<CancellationFeeRow | undefined> {
  return q(db).selectFrom('cancellation_fees').selectAll().where('trip_id', '=', tripId).forUpdate().executeTakeFirst();
}

export async function findCancellationFee(db: DbHandle, tripId: string): Promise<CancellationFeeRow | undefined> {
  return q(db).selectFrom('cancellation_fees').selectAll().where('trip_id', '=', tripId).executeTakeFirst();
}

/** Compare-and-set: only a fee not yet waived is waived (no row back = someone else did). */
export async function markFeeWaived(
  db: DbHandle,
  args: { tripId: string; adminId: string; reason: string },
): Promise<CancellationFeeRow | undefined> {
  return q(db)
    .updateTable('cancellation_fees')
    .set({ waived_by: args.adminId, waived_at: new Date(), waive_reason: args.reason })
    .where('trip_id', '=', args.tripId)
    .where('waived_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/** Inserts the one tip of a trip or service request; undefined when it already has one (a unique key decides). */
export async function insertTipOnce(
  db: DbHandle,
  subject: MoneySubject,
  row: Pick<TipRow, 'rider_id' | 'driver_id' | 'amount'>,
): Promise<TipRow | undefined> {
  return q(db)
    .insertInto('trip_tips')
    .values({ ...row, ...subjectColumns(subject) })
    .onConflict((oc) => oc.column(subjectColumn(subject)).doNothing())
    .returningAll()
    .executeTakeFirst();
}
