import { sql } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { AccountState, MoveInput, NewTransfer, PendingInfo } from './ledger.types.js';
import {
  ACCOUNT_COLUMNS,
  q,
  resolutionOf,
  toAccount,
  toTransfer,
  type AccountRow,
  type TransferRow,
} from './ledger-rows.js';

/** The ledger's write path: account locks (always in id order), the reads made under them, and the writes. */

/** Row locks in id order, the same order for every writer, so writers never deadlock each other. */
export async function lockAccounts(db: DbHandle, ids: number[]): Promise<AccountState[]> {
  if (ids.length === 0) return [];
  const rows = await q(db)
    .selectFrom('ledger_accounts')
    .select(ACCOUNT_COLUMNS)
    .where('id', '=', sql<number>`ANY(${ids}::bigint[])`)
    .orderBy('id')
    .forUpdate()
    .execute();
  return rows.map(toAccount);
}

/**
 * One round trip: locks the accounts in id order and reads the transfers with
 * the given ids (each with its resolution). The transfers come from the
 * statement's snapshot, taken before any lock wait, so a same-id transfer
 * committed while we waited is not seen here; its unique key then fails our
 * insert and the caller retries the whole transaction (see createTransfers).
 */
export async function lockAccountsAndReadTransfers(db: DbHandle, accountIds: number[], transferIds: string[]) {
  const { rows } = await sql<{ what: 'a' | 't'; row: Record<string, unknown> }>`
    WITH locked AS MATERIALIZED (
      SELECT id, kind, owner_id, credit_limit, debits_pending, debits_posted, credits_pending, credits_posted
        FROM ledger_accounts WHERE id = ANY(${accountIds}::bigint[]) ORDER BY id FOR UPDATE
    )
    SELECT 'a' AS what, to_jsonb(l) AS row FROM locked l
    UNION ALL
    SELECT 't', to_jsonb(x) FROM (
      SELECT t.id, t.phase, t.debit_account_id, t.credit_account_id, t.amount, t.kind, t.reference, t.pending_id, t.timeout_at, r.phase AS resolution
        FROM ledger_transfers t LEFT JOIN ledger_transfers r ON r.pending_id = t.id
       WHERE t.id = ANY(${transferIds}::text[])) x`.execute(db);
  const accounts: AccountState[] = [];
  const known = new Map<string, PendingInfo>();
  for (const { what, row } of rows) {
    if (what === 'a') accounts.push(toAccount(row as unknown as AccountRow));
    else known.set(row.id as string, fromJsonTransfer(row));
  }
  return { accounts: accounts.sort((x, y) => x.id - y.id), known };
}

function fromJsonTransfer(row: Record<string, unknown>): PendingInfo {
  const r = {
    ...(row as unknown as TransferRow),
    timeout_at: row.timeout_at ? new Date(row.timeout_at as string) : null,
  };
  return { transfer: toTransfer(r), resolution: resolutionOf(row.resolution) };
}

/** Transfers by id, each with how its hold was resolved (holds only). */
export async function findTransfersWithResolution(db: DbHandle, ids: string[]): Promise<Map<string, PendingInfo>> {
  const found = new Map<string, PendingInfo>();
  if (ids.length === 0) return found;
  const rows = await q(db)
    .selectFrom('ledger_transfers as t')
    .leftJoin('ledger_transfers as r', 'r.pending_id', 't.id')
    .select([
      't.id',
      't.phase',
      't.debit_account_id',
      't.credit_account_id',
      't.amount',
      't.kind',
      't.reference',
      't.pending_id',
      't.timeout_at',
      'r.phase as resolution',
    ])
    .where('t.id', '=', sql<string>`ANY(${ids}::text[])`)
    .execute();
  for (const r of rows) {
    found.set(r.id, { transfer: toTransfer(r), resolution: resolutionOf(r.resolution) });
  }
  return found;
}

/**
 * Writes a batch in ONE statement (one round trip while the row locks are
 * held): the accounts' new counters (the caller holds their locks) and the
 * transfers, inserted in the given order.
 */
export async function writeBatch(db: DbHandle, states: AccountState[], rows: NewTransfer[]): Promise<void> {
  if (states.length === 0 && rows.length === 0) return;
  const a = <K extends keyof AccountState>(k: K) => states.map((s) => s[k]);
  const t = <K extends keyof NewTransfer>(k: K) => rows.map((r) => r[k]);
  await sql`
    WITH counters AS (
      UPDATE ledger_accounts AS a
         SET debits_pending = v.dp, debits_posted = v.dpo, credits_pending = v.cp, credits_posted = v.cpo,
             version = a.version + 1, updated_at = now()
        FROM unnest(${a('id')}::bigint[], ${a('debitsPending')}::bigint[], ${a('debitsPosted')}::bigint[],
                    ${a('creditsPending')}::bigint[], ${a('creditsPosted')}::bigint[]) AS v(id, dp, dpo, cp, cpo)
       WHERE a.id = v.id
    )
    INSERT INTO ledger_transfers (id, phase, debit_account_id, credit_account_id, amount, kind, reference, pending_id,
      timeout_at)
    SELECT id, phase, debit, credit, amount, kind, reference, pending_id, timeout_at
      FROM unnest(${t('id')}::text[], ${t('phase')}::text[], ${t('debitAccountId')}::bigint[],
        ${t('creditAccountId')}::bigint[],
                  ${t('amount')}::bigint[], ${t('kind')}::text[], ${t('reference')}::text[], ${t('pendingId')}::text[],
                  ${t('timeoutAt')}::timestamptz[])
           WITH ORDINALITY AS v(id, phase, debit, credit, amount, kind, reference, pending_id, timeout_at, n)
     ORDER BY n`.execute(db);
}

/** What ledger_apply_single_move decided; 'undecided' = nothing written, the engine decides. */
export type SingleMoveOutcome = 'applied' | 'insufficient_funds' | 'undecided';

/**
 * A lone posted or pending move in ONE round trip (migrations 0075, 0084): locks both
 * accounts in id order; writes the counters and the transfer when the id is
 * new, both accounts exist and the debit wallet stays above its floor.
 */
export async function applySingleMove(db: DbHandle, t: MoveInput): Promise<SingleMoveOutcome> {
  const { rows } = await sql<{ outcome: SingleMoveOutcome }>`
    SELECT ledger_apply_single_move(${t.id}, ${t.type}, ${t.debitAccountId}, ${t.creditAccountId}, ${t.amount},
      ${t.kind}, ${t.reference ?? null}, ${t.timeoutAt ?? null}::timestamptz, ${t.overdraft === 'credit_limit'})
      AS outcome`.execute(db);
  return rows[0]!.outcome;
}
