import { sql } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import { newestFirstPage, type NewestFirstPage } from '../../platform/db/keyset.js';
import { subjectColumn, subjectColumns, type MoneySubject } from './money-subject.js';
import type { PaymentTables, RefundRow, RefundStatus, SettlementRow } from './payments.tables.js';

const q = (db: DbHandle) => db.withTables<PaymentTables>();

/** The trip's settlement under its row lock: concurrent refunds of one trip take turns here. */
export async function lockSettlement(tx: DbHandle, tripId: string): Promise<SettlementRow | undefined> {
  return q(tx).selectFrom('trip_settlements').selectAll().where('trip_id', '=', tripId).forUpdate().executeTakeFirst();
}

/**
 * Adds `delta` (negative gives a failed refund back) to what is refunded, only while it stays within the fare;
 * false when it would not (the CHECK would refuse it anyway).
 */
export async function addRefunded(tx: DbHandle, tripId: string, delta: number): Promise<boolean> {
  const row = await q(tx)
    .updateTable('trip_settlements')
    .set({ refunded: sql<number>`refunded + ${delta}` })
    .where('trip_id', '=', tripId)
    .where(sql<boolean>`refunded + ${delta} BETWEEN 0 AND fare`)
    .returning('trip_id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertRefund(
  tx: DbHandle,
  subject: MoneySubject,
  row: Pick<RefundRow, 'id' | 'rider_id' | 'amount' | 'reason' | 'destination' | 'status' | 'requested_by'>,
): Promise<RefundRow> {
  return q(tx)
    .insertInto('trip_refunds')
    .values({ ...row, ...subjectColumns(subject), provider_refund_id: null, failure_reason: null })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findRefund(db: DbHandle, id: string): Promise<RefundRow | undefined> {
  return q(db).selectFrom('trip_refunds').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listRefundsOf(db: DbHandle, subject: MoneySubject): Promise<RefundRow[]> {
  return q(db)
    .selectFrom('trip_refunds')
    .selectAll()
    .where(subjectColumn(subject), '=', subject.id)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Every trip's and service request's refunds, newest first (keyset page of limit + 1 rows: one more ⇒ more). */
export async function listRecentRefunds(
  db: DbHandle,
  args: { status?: RefundStatus } & NewestFirstPage,
): Promise<Array<RefundRow & { created_at_exact: string }>> {
  let query = q(db).selectFrom('trip_refunds').selectAll();
  if (args.status) query = query.where('status', '=', args.status);
  return newestFirstPage(query, args).execute();
}

/** Compare-and-set on a pending refund: undefined when another run settled it first. */
export async function settleRefundIf(
  tx: DbHandle,
  args: { id: string; to: Exclude<RefundStatus, 'pending'>; providerRefundId?: string; failureReason?: string },
): Promise<RefundRow | undefined> {
  return q(tx)
    .updateTable('trip_refunds')
    .set({
      status: args.to,
      provider_refund_id: args.providerRefundId ?? null,
      failure_reason: args.failureReason ?? null,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', args.id)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
}
