import { sql } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import { subjectColumn, subjectColumns, type MoneySubject } from './money-subject.js';
import type { CardTipOrderRow, PaymentTables, TipRow } from './payments.tables.js';

const q = (db: DbHandle) => db.withTables<PaymentTables>();

/**
 * The trip's (or service request's) one tip as a pending card tip. Its unique key decides:
 * no tip yet ⇒ inserted; a failed card tip ⇒ reopened in place with the new
 * order (the retry the issue allows); a pending or paid tip ⇒ undefined (409).
 */
export async function openCardTipOnce(
  db: DbHandle,
  subject: MoneySubject,
  row: Pick<TipRow, 'rider_id' | 'driver_id' | 'amount'> & { order_id: string; payment_url: string },
): Promise<TipRow | undefined> {
  const values = { ...row, ...subjectColumns(subject), method: 'card' as const, status: 'pending' as const };
  return q(db)
    .insertInto('trip_tips')
    .values(values)
    .onConflict((oc) =>
      oc
        .column(subjectColumn(subject))
        .doUpdateSet({
          amount: row.amount,
          method: 'card',
          status: 'pending',
          order_id: row.order_id,
          payment_url: row.payment_url,
          provider_transaction_id: null,
          updated_at: sql<Date>`now()`,
        })
        .where('trip_tips.status', '=', 'failed'),
    )
    .returningAll()
    .executeTakeFirst();
}

export async function insertCardTipOrder(
  db: DbHandle,
  subject: MoneySubject,
  row: Pick<CardTipOrderRow, 'id' | 'amount'>,
): Promise<void> {
  await q(db)
    .insertInto('card_tip_orders')
    .values({ ...row, ...subjectColumns(subject) })
    .execute();
}

/** Any order ever opened for a tip, the current attempt's or an older failed one. */
export async function findCardTipOrder(db: DbHandle, orderId: string): Promise<CardTipOrderRow | undefined> {
  return q(db).selectFrom('card_tip_orders').selectAll().where('id', '=', orderId).executeTakeFirst();
}

/** Compare-and-set out of `pending`: exactly one of the webhook's job and the 30-minute expiry wins. */
export async function closeCardTipIf(
  db: DbHandle,
  args: { orderId: string; to: 'paid' | 'failed'; transactionId?: string },
): Promise<TipRow | undefined> {
  return q(db)
    .updateTable('trip_tips')
    .set({ status: args.to, provider_transaction_id: args.transactionId ?? null, updated_at: sql<Date>`now()` })
    .where('order_id', '=', args.orderId)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
}
