import { sql } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';

/** Read-only aggregates for finance reports and reconciliation. Only money that moved counts (posted phases). */

export interface MovementRow {
  kind: string;
  debit_kind: string;
  credit_kind: string;
  amount: number;
  n: number;
}

/** Σ and count of moved money per transfer kind and the kinds of the two accounts, created in [from, to). */
export async function sumMovements(db: DbHandle, range: { from?: Date; to?: Date }): Promise<MovementRow[]> {
  const from = range.from ?? new Date(0);
  const to = range.to ?? new Date(8.64e15);
  const { rows } = await sql<MovementRow>`
    SELECT t.kind, d.kind AS debit_kind, c.kind AS credit_kind, sum(t.amount)::bigint AS amount, count(*)::int AS n
      FROM ledger_transfers t
      JOIN ledger_accounts d ON d.id = t.debit_account_id
      JOIN ledger_accounts c ON c.id = t.credit_account_id
     WHERE t.phase IN ('posted', 'post_pending') AND t.created_at >= ${from} AND t.created_at < ${to}
     GROUP BY 1, 2, 3`.execute(db);
  return rows;
}

export interface ReferenceRow {
  reference: string;
  amount: number;
  n: number;
}

/** Per reference (e.g. `trip:<id>`), Σ and count of moved money of one kind; only references that have any. */
export async function sumByReference(db: DbHandle, args: { kind: string; prefix: string }): Promise<ReferenceRow[]> {
  const { rows } = await sql<ReferenceRow>`
    SELECT reference, sum(amount)::bigint AS amount, count(*)::int AS n
      FROM ledger_transfers
     WHERE phase IN ('posted', 'post_pending') AND kind = ${args.kind} AND starts_with(reference, ${args.prefix})
     GROUP BY reference`.execute(db);
  return rows;
}

/** References (of a prefix) carrying more than one transfer of a kind: a trip's fare moved twice, say. */
export async function countRepeatedReferences(db: DbHandle, args: { kind: string; prefix: string }) {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM (
      SELECT reference FROM ledger_transfers
       WHERE phase IN ('posted', 'post_pending') AND kind = ${args.kind} AND starts_with(reference, ${args.prefix})
       GROUP BY reference HAVING count(*) > 1) r`.execute(db);
  return rows[0]!.n;
}

export interface DuesTotals {
  accounts: number;
  /** Σ (debits − credits) of the rider_dues accounts' counters: what riders owe. */
  from_counters: number;
  /** The same from the transfers, up to `before`. */
  from_transfers: number;
  /** Accounts owing less than nothing (the platform would owe the rider through a dues account). */
  in_credit: number;
}

/** Rider dues (account kind `rider_dues`, one per rider): the counters and the transfers that built them. */
export async function sumRiderDues(db: DbHandle, before?: Date): Promise<DuesTotals> {
  const until = before ?? new Date(8.64e15);
  const { rows } = await sql<DuesTotals>`
    WITH dues AS (SELECT id, debits_posted - credits_posted AS owed FROM ledger_accounts WHERE kind = 'rider_dues')
    SELECT (SELECT count(*)::int FROM dues) AS accounts,
           (SELECT coalesce(sum(owed), 0)::bigint FROM dues) AS from_counters,
           (SELECT coalesce(sum(CASE WHEN t.debit_account_id IN (SELECT id FROM dues) THEN t.amount ELSE 0 END)
                  - sum(CASE WHEN t.credit_account_id IN (SELECT id FROM dues) THEN t.amount ELSE 0 END), 0)::bigint
              FROM ledger_transfers t
             WHERE t.phase IN ('posted', 'post_pending') AND t.created_at < ${until}
               AND (t.debit_account_id IN (SELECT id FROM dues) OR t.credit_account_id IN (SELECT id FROM dues)))
             AS from_transfers,
           (SELECT count(*)::int FROM dues WHERE owed < 0) AS in_credit`.execute(db);
  return rows[0]!;
}
