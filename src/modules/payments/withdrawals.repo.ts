import { sql } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import { EXACT_CREATED_AT_SQL } from '../../platform/http/cursor.js';
import type { PaymentTables, WithdrawalRow, WithdrawalStatus } from './payments.tables.js';

const q = (db: DbHandle) => db.withTables<PaymentTables>();

export async function insertWithdrawal(
  db: DbHandle,
  row: Pick<WithdrawalRow, 'id' | 'driver_id' | 'amount' | 'status' | 'hold_transfer_id' | 'review_reason'>,
): Promise<WithdrawalRow> {
  return q(db)
    .insertInto('withdrawals')
    .values({ ...row, decided_by: null, decided_at: null, decision_note: null })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findWithdrawal(db: DbHandle, id: string): Promise<WithdrawalRow | undefined> {
  return q(db).selectFrom('withdrawals').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findWithdrawalByHold(db: DbHandle, holdTransferId: string): Promise<WithdrawalRow | undefined> {
  return q(db).selectFrom('withdrawals').selectAll().where('hold_transfer_id', '=', holdTransferId).executeTakeFirst();
}

/** Compare-and-set on status; undefined when it was not in `from`. */
export async function updateWithdrawalIf(
  db: DbHandle,
  args: { id: string; from: WithdrawalStatus[]; to: WithdrawalStatus; decidedBy: string | null; note: string | null },
): Promise<WithdrawalRow | undefined> {
  return q(db)
    .updateTable('withdrawals')
    .set({
      status: args.to,
      decided_by: args.decidedBy,
      decided_at: sql<Date>`now()`,
      decision_note: args.note,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', args.id)
    .where('status', 'in', args.from)
    .returningAll()
    .executeTakeFirst();
}

export async function countWithdrawalsSince(db: DbHandle, driverId: string, since: Date): Promise<number> {
  const row = await q(db)
    .selectFrom('withdrawals')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('driver_id', '=', driverId)
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Keyset page, newest first (limit + 1 rows: the extra one says there is more); `after.at` is the exact cursor
 * timestamp.
 */
export async function listWithdrawals(
  db: DbHandle,
  args: { driverId?: string; status?: WithdrawalStatus; limit: number; after?: { at: string; id: string } },
): Promise<Array<WithdrawalRow & { created_at_exact: string }>> {
  let query = q(db)
    .selectFrom('withdrawals')
    .selectAll()
    .select(sql.raw<string>(EXACT_CREATED_AT_SQL).as('created_at_exact'))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(args.limit + 1);
  if (args.driverId) query = query.where('driver_id', '=', args.driverId);
  if (args.status) query = query.where('status', '=', args.status);
  if (args.after) {
    const createdAt = sql<Date>`${args.after.at}::timestamptz`;
    const id = args.after.id;
    query = query.where((eb) =>
      eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]),
    );
  }
  return query.execute();
}
