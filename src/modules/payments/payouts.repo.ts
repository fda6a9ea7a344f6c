import { sql } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import { EXACT_CREATED_AT_SQL } from '../../platform/http/cursor.js';
import type { PaymentTables, PayoutMethodRow, PayoutRow, PayoutStatus } from './payments.tables.js';

const q = (db: DbHandle) => db.withTables<PaymentTables>();

export type PayoutMethodValues = Pick<PayoutMethodRow, 'user_id' | 'type' | 'iban' | 'holder_name' | 'phone'>;

/** One method per user: a new one replaces the old (payouts already created keep their snapshot). */
export async function upsertPayoutMethod(db: DbHandle, row: PayoutMethodValues): Promise<PayoutMethodRow> {
  return q(db)
    .insertInto('payout_methods')
    .values(row)
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet({
        type: row.type,
        iban: row.iban,
        holder_name: row.holder_name,
        phone: row.phone,
        updated_at: sql<Date>`now()`,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findPayoutMethod(db: DbHandle, userId: string): Promise<PayoutMethodRow | undefined> {
  return q(db).selectFrom('payout_methods').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

export type NewPayout = Pick<
  PayoutRow,
  'id' | 'withdrawal_id' | 'driver_id' | 'amount' | 'method_type' | 'iban' | 'holder_name' | 'phone'
>;

/** One payout per withdrawal (unique withdrawal_id): a replayed approval finds the first. */
export async function insertPayoutOnce(db: DbHandle, row: NewPayout): Promise<PayoutRow> {
  await q(db)
    .insertInto('payouts')
    .values({ ...row, bank_reference: null, failure_reason: null, decided_by: null, decided_at: null })
    .onConflict((oc) => oc.column('withdrawal_id').doNothing())
    .execute();
  return q(db)
    .selectFrom('payouts')
    .selectAll()
    .where('withdrawal_id', '=', row.withdrawal_id)
    .executeTakeFirstOrThrow();
}

export async function findPayout(db: DbHandle, id: string): Promise<PayoutRow | undefined> {
  return q(db).selectFrom('payouts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Compare-and-set pending → paid|failed; undefined when another decision got there first. */
export async function settlePayoutIf(
  db: DbHandle,
  args: { id: string; to: Exclude<PayoutStatus, 'pending'>; by: string; bankReference?: string; reason?: string },
): Promise<PayoutRow | undefined> {
  return q(db)
    .updateTable('payouts')
    .set({
      status: args.to,
      bank_reference: args.bankReference ?? null,
      failure_reason: args.reason ?? null,
      decided_by: args.by,
      decided_at: sql<Date>`now()`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', args.id)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
}

export interface PayoutFilter {
  status?: PayoutStatus;
  /** Created in [from, to). */
  from?: Date;
  to?: Date;
}

/** Keyset page, newest first (limit + 1 rows: the extra one says there is more). */
export async function listPayouts(
  db: DbHandle,
  args: PayoutFilter & { limit: number; after?: { at: string; id: string } },
): Promise<Array<PayoutRow & { created_at_exact: string }>> {
  let query = q(db)
    .selectFrom('payouts')
    .selectAll()
    .select(sql.raw<string>(EXACT_CREATED_AT_SQL).as('created_at_exact'))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(args.limit + 1);
  if (args.status) query = query.where('status', '=', args.status);
  if (args.from) query = query.where('created_at', '>=', args.from);
  if (args.to) query = query.where('created_at', '<', args.to);
  if (args.after) {
    const createdAt = sql<Date>`${args.after.at}::timestamptz`;
    const id = args.after.id;
    query = query.where((eb) =>
      eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]),
    );
  }
  return query.execute();
}

/** Every payout of a batch, oldest first (the bank file's order). */
export async function listPayoutsForBatch(db: DbHandle, args: Required<PayoutFilter>): Promise<PayoutRow[]> {
  return q(db)
    .selectFrom('payouts')
    .selectAll()
    .where('status', '=', args.status)
    .where('created_at', '>=', args.from)
    .where('created_at', '<', args.to)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Payouts whose amount, driver or state differs from the withdrawal they pay (which must be approved). */
export async function countPayoutsUnlikeWithdrawals(db: DbHandle): Promise<{ payouts: number; unlike: number }> {
  const { rows } = await sql<{ payouts: number; unlike: number }>`
    SELECT count(*)::int AS payouts,
           (count(*) FILTER (WHERE p.amount <> w.amount OR p.driver_id <> w.driver_id OR w.status <> 'approved'))::int
             AS unlike
      FROM payouts p JOIN withdrawals w ON w.id = p.withdrawal_id`.execute(db);
  return rows[0]!;
}

/** Σ and count of payouts per status. */
export async function payoutTotalsByStatus(
  db: DbHandle,
): Promise<Record<PayoutStatus, { sum: number; count: number }>> {
  const rows = await q(db)
    .selectFrom('payouts')
    .select(['status', sql<string>`coalesce(sum(amount), 0)::bigint`.as('sum'), sql<number>`count(*)::int`.as('n')])
    .groupBy('status')
    .execute();
  const out = { pending: { sum: 0, count: 0 }, paid: { sum: 0, count: 0 }, failed: { sum: 0, count: 0 } };
  for (const r of rows) out[r.status] = { sum: Number(r.sum), count: r.n };
  return out;
}
