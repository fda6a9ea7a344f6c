import { sql } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import { subjectColumn, subjectColumns, type MoneySubject } from './money-subject.js';
import type { CardPaymentRow, CardPaymentStatus, PaymentTables } from './payments.tables.js';

const q = (db: DbHandle) => db.withTables<PaymentTables>();

export async function insertCardPayment(
  tx: DbHandle,
  subject: MoneySubject,
  row: Pick<CardPaymentRow, 'id' | 'rider_id' | 'driver_id' | 'amount' | 'commission' | 'payment_url'>,
): Promise<CardPaymentRow> {
  return q(tx)
    .insertInto('card_payments')
    .values({
      ...row,
      ...subjectColumns(subject),
      provider_transaction_id: null,
      provider_order_id: null,
      paid_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findCardPayment(db: DbHandle, id: string): Promise<CardPaymentRow | undefined> {
  return q(db).selectFrom('card_payments').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The one card payment of a trip or a service request. */
export async function findCardPaymentOf(db: DbHandle, subject: MoneySubject): Promise<CardPaymentRow | undefined> {
  return q(db)
    .selectFrom('card_payments')
    .selectAll()
    .where(subjectColumn(subject), '=', subject.id)
    .executeTakeFirst();
}

/** Compare-and-set out of `pending`: exactly one of the webhook's job and the 30-minute expiry wins. */
export async function closeCardPaymentIf(
  tx: DbHandle,
  args: {
    id: string;
    to: Exclude<CardPaymentStatus, 'pending'>;
    transactionId?: string;
    providerOrderId?: string | null;
  },
): Promise<CardPaymentRow | undefined> {
  const paid = args.to === 'paid';
  return q(tx)
    .updateTable('card_payments')
    .set({
      status: args.to,
      provider_transaction_id: args.transactionId ?? null,
      provider_order_id: args.providerOrderId ?? null,
      paid_at: paid ? sql<Date>`now()` : null,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', args.id)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
}

/** Card trip fares not paid yet: those trips are finished but have no settlement until Kashier answers. */
export async function countPendingCardPayments(db: DbHandle): Promise<number> {
  const row = await q(db)
    .selectFrom('card_payments')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('status', '=', 'pending')
    .where('trip_id', 'is not', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
