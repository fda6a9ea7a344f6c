import { sql } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';

/** Read-only aggregates for reconciliation; run them in one REPEATABLE READ snapshot. */

export interface CounterTotals {
  accounts: number;
  debits_posted: number;
  credits_posted: number;
  debits_pending: number;
  credits_pending: number;
}

export async function sumAccountCounters(db: DbHandle): Promise<CounterTotals> {
  const { rows } = await sql<CounterTotals>`
    SELECT count(*)::int AS accounts,
           coalesce(sum(debits_posted), 0)::bigint AS debits_posted, coalesce(sum(credits_posted), 0)::bigint AS
             credits_posted,
           coalesce(sum(debits_pending), 0)::bigint AS debits_pending, coalesce(sum(credits_pending), 0)::bigint AS
             credits_pending
      FROM ledger_accounts`.execute(db);
  return rows[0]!;
}

export interface CounterMismatch {
  id: number;
  kind: string;
  debits_posted: number;
  credits_posted: number;
  debits_pending: number;
  credits_pending: number;
  sum_debits_posted: number;
  sum_credits_posted: number;
  sum_debits_pending: number;
  sum_credits_pending: number;
}

/**
 * Accounts whose counters differ from what their transfers add up to. Posted
 * = posted + post_pending rows; pending = holds with no resolution row.
 */
export async function findCounterMismatches(
  db: DbHandle,
  limit: number,
): Promise<{ mismatches: CounterMismatch[]; checked: number }> {
  const { rows } = await sql<CounterMismatch & { total: number }>`
    WITH open_holds AS (
      SELECT t.debit_account_id, t.credit_account_id, t.amount FROM ledger_transfers t
       WHERE t.phase = 'pending' AND NOT EXISTS (SELECT 1 FROM ledger_transfers r WHERE r.pending_id = t.id)
    ), legs AS (
      SELECT debit_account_id AS account_id, amount AS dpo, 0::bigint AS cpo, 0::bigint AS dp, 0::bigint AS cp
        FROM ledger_transfers WHERE phase IN ('posted', 'post_pending')
      UNION ALL SELECT credit_account_id, 0, amount, 0, 0 FROM ledger_transfers WHERE phase IN ('posted',
        'post_pending')
      UNION ALL SELECT debit_account_id, 0, 0, amount, 0 FROM open_holds
      UNION ALL SELECT credit_account_id, 0, 0, 0, amount FROM open_holds
    ), sums AS (
      SELECT account_id, sum(dpo) AS dpo, sum(cpo) AS cpo, sum(dp) AS dp, sum(cp) AS cp FROM legs GROUP BY account_id
    )
    SELECT a.id, a.kind, a.debits_posted, a.credits_posted, a.debits_pending, a.credits_pending,
           coalesce(s.dpo, 0)::bigint AS sum_debits_posted, coalesce(s.cpo, 0)::bigint AS sum_credits_posted,
           coalesce(s.dp, 0)::bigint AS sum_debits_pending, coalesce(s.cp, 0)::bigint AS sum_credits_pending,
           count(*) OVER ()::int AS total
      FROM ledger_accounts a LEFT JOIN sums s ON s.account_id = a.id
     WHERE a.debits_posted <> coalesce(s.dpo, 0) OR a.credits_posted <> coalesce(s.cpo, 0)
        OR a.debits_pending <> coalesce(s.dp, 0) OR a.credits_pending <> coalesce(s.cp, 0)
     ORDER BY a.id LIMIT ${limit}`.execute(db);
  const { rows: counted } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ledger_accounts`.execute(db);
  return { mismatches: rows.map(({ total: _t, ...r }) => r), checked: counted[0]!.n };
}

/** Wallets below their floor (the CHECK makes this impossible; the audit proves it). */
export async function countWalletsBelowFloor(db: DbHandle): Promise<{ below_limit: number; riders_negative: number }> {
  const { rows } = await sql<{ below_limit: number; riders_negative: number }>`
    SELECT count(*) FILTER (WHERE credits_posted - debits_posted - debits_pending < -credit_limit)::int AS below_limit,
           count(*) FILTER (WHERE kind = 'rider_wallet' AND credits_posted - debits_posted - debits_pending < 0)::int
             AS riders_negative
      FROM ledger_accounts WHERE kind IN ('rider_wallet', 'driver_wallet')`.execute(db);
  return rows[0]!;
}

/** Holds past their timeout by more than `graceS` that nobody released: the expiry job is behind. */
export async function countStaleHolds(db: DbHandle, graceS: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM ledger_transfers t
     WHERE t.phase = 'pending' AND t.timeout_at < now() - make_interval(secs => ${graceS})
       AND NOT EXISTS (SELECT 1 FROM ledger_transfers r WHERE r.pending_id = t.id)`.execute(db);
  return rows[0]!.n;
}

/**
 * Σ and count of one kind of transfers debiting one account (e.g. deposits out of provider clearing), posted and still
 * held.
 */
export async function sumTransfersOfKind(db: DbHandle, args: { debitAccountId: number; kind: string }) {
  const { rows } = await sql<{ posted: number; posted_count: number; held: number; held_count: number }>`
    WITH k AS (
      SELECT t.phase, t.amount, EXISTS (SELECT 1 FROM ledger_transfers r WHERE r.pending_id = t.id) AS resolved
        FROM ledger_transfers t WHERE t.debit_account_id = ${args.debitAccountId} AND t.kind = ${args.kind}
    )
    SELECT coalesce(sum(amount) FILTER (WHERE phase IN ('posted', 'post_pending')), 0)::bigint AS posted,
           count(*) FILTER (WHERE phase IN ('posted', 'post_pending'))::int AS posted_count,
           coalesce(sum(amount) FILTER (WHERE phase = 'pending' AND NOT resolved), 0)::bigint AS held,
           count(*) FILTER (WHERE phase = 'pending' AND NOT resolved)::int AS held_count
      FROM k`.execute(db);
  return rows[0]!;
}
