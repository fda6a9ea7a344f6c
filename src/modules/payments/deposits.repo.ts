import { sql } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { DepositRow, DepositStatus, PaymentTables } from './payments.tables.js';

const q = (db: DbHandle) => db.withTables<PaymentTables>();

export async function insertDeposit(db: DbHandle, args: { userId: string; amount: number }): Promise<DepositRow> {
  return q(db)
    .insertInto('deposits')
    .values({
      user_id: args.userId,
      amount: args.amount,
      provider_transaction_id: null,
      review_reason: null,
      paid_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findDeposit(db: DbHandle, id: string): Promise<DepositRow | undefined> {
  return q(db).selectFrom('deposits').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Compare-and-set on status: undefined when another writer moved it first. */
export async function updateDepositIf(
  db: DbHandle,
  args: {
    id: string;
    from: DepositStatus[];
    set: Partial<Pick<DepositRow, 'status' | 'provider_transaction_id' | 'review_reason' | 'paid_at'>>;
  },
): Promise<DepositRow | undefined> {
  return q(db)
    .updateTable('deposits')
    .set({ ...args.set, updated_at: sql<Date>`now()` })
    .where('id', '=', args.id)
    .where('status', 'in', args.from)
    .returningAll()
    .executeTakeFirst();
}

export async function countPaidDepositsSince(db: DbHandle, userId: string, since: Date): Promise<number> {
  const row = await q(db)
    .selectFrom('deposits')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('paid_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function lastPaidDepositAt(db: DbHandle, userId: string): Promise<Date | null> {
  const row = await q(db)
    .selectFrom('deposits')
    .select((eb) => eb.fn.max('paid_at').as('at'))
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return (row?.at as Date | null | undefined) ?? null;
}

export interface ProviderEventInput {
  provider: string;
  event: string;
  providerTransactionId: string;
  orderId: string | null;
  status: string | null;
  amount: number | null;
  currency: string | null;
  payload: unknown;
}

/**
 * The webhook inbox. True only for the first delivery of this provider
 * transaction and event; a concurrent duplicate waits for the first to commit
 * and then gets false (the primary key is the dedupe, not a read-then-write).
 */
export async function recordProviderEvent(db: DbHandle, e: ProviderEventInput): Promise<boolean> {
  const row = await q(db)
    .insertInto('provider_events')
    .values({
      provider: e.provider,
      event: e.event,
      provider_transaction_id: e.providerTransactionId,
      order_id: e.orderId,
      status: e.status,
      amount: e.amount,
      currency: e.currency,
      payload: JSON.stringify(e.payload),
      outcome: null,
    })
    .onConflict((oc) => oc.columns(['provider', 'event', 'provider_transaction_id']).doNothing())
    .returning('provider_transaction_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** The inbox row, locked: whoever holds it is the only one applying it. */
export async function lockProviderEvent(
  db: DbHandle,
  key: { provider: string; event: string; providerTransactionId: string },
) {
  return q(db)
    .selectFrom('provider_events')
    .selectAll()
    .where('provider', '=', key.provider)
    .where('event', '=', key.event)
    .where('provider_transaction_id', '=', key.providerTransactionId)
    .forUpdate()
    .executeTakeFirst();
}

export async function setProviderEventOutcome(
  db: DbHandle,
  key: { provider: string; event: string; providerTransactionId: string },
  outcome: string,
) {
  await q(db)
    .updateTable('provider_events')
    .set({ outcome })
    .where('provider', '=', key.provider)
    .where('event', '=', key.event)
    .where('provider_transaction_id', '=', key.providerTransactionId)
    .execute();
}

export interface DepositTotals {
  credited_sum: number;
  credited_count: number;
  held_sum: number;
  held_count: number;
  provider_sum: number;
  unbacked_deposits: number;
  uncredited_payments: number;
}

/**
 * Our deposits against what Kashier reported: every credited/held deposit has a
 * successful provider transaction of the same amount for the same order, and
 * every successful provider payment ended in a credited, held or rejected deposit.
 */
export async function depositTotals(db: DbHandle): Promise<DepositTotals> {
  const { rows } = await sql<DepositTotals>`
    SELECT
      (SELECT coalesce(sum(amount), 0) FROM deposits WHERE status = 'credited')::bigint AS credited_sum,
      (SELECT count(*) FROM deposits WHERE status = 'credited')::int AS credited_count,
      (SELECT coalesce(sum(amount), 0) FROM deposits WHERE status = 'held')::bigint AS held_sum,
      (SELECT count(*) FROM deposits WHERE status = 'held')::int AS held_count,
      (SELECT coalesce(sum(pe.amount), 0) FROM provider_events pe
         JOIN deposits d ON d.provider_transaction_id = pe.provider_transaction_id
        WHERE pe.event = 'pay' AND pe.status = 'SUCCESS' AND d.status IN ('credited', 'held'))::bigint AS provider_sum,
      (SELECT count(*) FROM deposits d WHERE d.status IN ('credited', 'held') AND NOT EXISTS (
         SELECT 1 FROM provider_events pe WHERE pe.provider_transaction_id = d.provider_transaction_id
            AND pe.event = 'pay' AND pe.status = 'SUCCESS' AND pe.amount = d.amount AND pe.order_id =
              d.id::text))::int AS unbacked_deposits,
      (SELECT count(*) FROM provider_events pe WHERE pe.event = 'pay' AND pe.status = 'SUCCESS' AND NOT EXISTS (
         SELECT 1 FROM deposits d WHERE d.provider_transaction_id = pe.provider_transaction_id
            AND d.status IN ('credited', 'held', 'rejected'))
         -- Card trip fares and card tips are not deposits: they settle trips and tips, not wallets.
         AND NOT EXISTS (SELECT 1 FROM card_payments c WHERE c.id::text = pe.order_id)
         AND NOT EXISTS (SELECT 1 FROM card_tip_orders o WHERE o.id::text = pe.order_id))::int AS uncredited_payments`.execute(
    db,
  );
  return rows[0]!;
}
