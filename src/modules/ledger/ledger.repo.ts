import { sql, type Generated } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type {
  AccountKind,
  AccountState,
  NewTransfer,
  PendingInfo,
  SystemAccountKind,
  TransferPhase,
  WalletKind,
} from './ledger.types.js';

type OwnedKind = WalletKind | 'rider_dues';

type LedgerTables = {
  ledger_accounts: {
    id: Generated<number>;
    kind: AccountKind;
    owner_id: string | null;
    currency: Generated<string>;
    credit_limit: Generated<number>;
    debits_pending: Generated<number>;
    debits_posted: Generated<number>;
    credits_pending: Generated<number>;
    credits_posted: Generated<number>;
    version: Generated<number>;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  ledger_transfers: {
    id: string;
    seq: Generated<number>;
    phase: TransferPhase;
    debit_account_id: number;
    credit_account_id: number;
    amount: number;
    currency: Generated<string>;
    kind: string;
    reference: string | null;
    pending_id: string | null;
    timeout_at: Date | null;
    created_at: Generated<Date>;
  };
};

const q = (db: DbHandle) => db.withTables<LedgerTables>();

const ACCOUNT_COLUMNS = [
  'id',
  'kind',
  'owner_id',
  'credit_limit',
  'debits_pending',
  'debits_posted',
  'credits_pending',
  'credits_posted',
] as const;

interface AccountRow {
  id: number;
  kind: AccountKind;
  owner_id: string | null;
  credit_limit: number;
  debits_pending: number;
  debits_posted: number;
  credits_pending: number;
  credits_posted: number;
}

function toAccount(r: AccountRow): AccountState {
  return {
    id: r.id,
    kind: r.kind,
    ownerId: r.owner_id,
    creditLimit: r.credit_limit,
    debitsPending: r.debits_pending,
    debitsPosted: r.debits_posted,
    creditsPending: r.credits_pending,
    creditsPosted: r.credits_posted,
  };
}

interface TransferRow {
  id: string;
  phase: TransferPhase;
  debit_account_id: number;
  credit_account_id: number;
  amount: number;
  kind: string;
  reference: string | null;
  pending_id: string | null;
  timeout_at: Date | null;
}

function toTransfer(r: TransferRow): NewTransfer {
  return {
    id: r.id,
    phase: r.phase,
    debitAccountId: r.debit_account_id,
    creditAccountId: r.credit_account_id,
    amount: r.amount,
    kind: r.kind,
    reference: r.reference,
    pendingId: r.pending_id,
    timeoutAt: r.timeout_at,
  };
}

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
  const resolution = row.resolution === 'post_pending' ? 'posted' : row.resolution === 'void_pending' ? 'voided' : null;
  return { transfer: toTransfer(r), resolution };
}

export async function findAccounts(db: DbHandle, ids: number[]): Promise<AccountState[]> {
  if (ids.length === 0) return [];
  const rows = await q(db)
    .selectFrom('ledger_accounts')
    .select(ACCOUNT_COLUMNS)
    .where('id', '=', sql<number>`ANY(${ids}::bigint[])`)
    .execute();
  return rows.map(toAccount);
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
    const resolution = r.resolution === 'post_pending' ? 'posted' : r.resolution === 'void_pending' ? 'voided' : null;
    found.set(r.id, { transfer: toTransfer(r), resolution });
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

/** An owner's account of one kind (an owner has at most one of each). */
export async function findOwnedAccount(
  db: DbHandle,
  ownerId: string,
  kinds: readonly OwnedKind[],
): Promise<AccountState | undefined> {
  const row = await q(db)
    .selectFrom('ledger_accounts')
    .select(ACCOUNT_COLUMNS)
    .where('owner_id', '=', ownerId)
    .where('kind', 'in', kinds)
    .executeTakeFirst();
  return row ? toAccount(row) : undefined;
}

export async function findWalletAccount(db: DbHandle, ownerId: string): Promise<AccountState | undefined> {
  return findOwnedAccount(db, ownerId, ['rider_wallet', 'driver_wallet']);
}

/** Creates the owner's account of that kind if it does not exist yet (concurrent callers are fine). */
export async function insertOwnedAccountIfMissing(
  db: DbHandle,
  args: { ownerId: string; kind: OwnedKind; creditLimit: number },
): Promise<void> {
  await q(db)
    .insertInto('ledger_accounts')
    .values({ kind: args.kind, owner_id: args.ownerId, credit_limit: args.creditLimit })
    .onConflict((oc) => oc.columns(['owner_id', 'kind']).where('owner_id', 'is not', null).doNothing())
    .execute();
}

export async function findSystemAccountIds(db: DbHandle): Promise<Map<SystemAccountKind, number>> {
  const rows = await q(db).selectFrom('ledger_accounts').select(['id', 'kind']).where('owner_id', 'is', null).execute();
  return new Map(rows.map((r) => [r.kind as SystemAccountKind, r.id]));
}

export interface StatementRow {
  id: string;
  seq: number;
  kind: string;
  reference: string | null;
  created_at: Date;
  amount: number;
}

/** Posted movements of one account, newest first, amounts signed from its side. */
export async function listPostedTransfers(
  db: DbHandle,
  args: { accountId: number; limit: number; beforeSeq?: number },
): Promise<StatementRow[]> {
  const a = args.accountId;
  let query = q(db)
    .selectFrom('ledger_transfers')
    .select([
      'id',
      'seq',
      'kind',
      'reference',
      'created_at',
      sql<number>`CASE WHEN credit_account_id = ${a} THEN amount ELSE -amount END`.as('amount'),
    ])
    .where((eb) => eb.or([eb('debit_account_id', '=', a), eb('credit_account_id', '=', a)]))
    .where('phase', 'in', ['posted', 'post_pending'])
    .orderBy('seq', 'desc')
    .limit(args.limit + 1);
  if (args.beforeSeq !== undefined) query = query.where('seq', '<', args.beforeSeq);
  return query.execute();
}

export async function findTransfer(db: DbHandle, id: string): Promise<NewTransfer | undefined> {
  const row = await q(db).selectFrom('ledger_transfers').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toTransfer(row) : undefined;
}

/** Net credits to one account per local day (e.g. platform revenue). */
export async function netCreditsByDay(
  db: DbHandle,
  args: { accountId: number; from: Date; to: Date; timeZone: string },
) {
  // A literal, not a parameter: GROUP BY must see the very same expression as the SELECT list.
  const day = sql<string>`to_char(created_at AT TIME ZONE ${sql.lit(args.timeZone)}, 'YYYY-MM-DD')`;
  return q(db)
    .selectFrom('ledger_transfers')
    .select([
      day.as('day'),
      sql<number>`coalesce(sum(CASE WHEN credit_account_id = ${args.accountId} THEN amount ELSE -amount END),
        0)::bigint`.as('net'),
      sql<number>`count(DISTINCT reference)::int`.as('references'),
    ])
    .where((eb) => eb.or([eb('debit_account_id', '=', args.accountId), eb('credit_account_id', '=', args.accountId)]))
    .where('phase', 'in', ['posted', 'post_pending'])
    .where('created_at', '>=', args.from)
    .where('created_at', '<', args.to)
    .groupBy(day)
    .orderBy(day)
    .execute();
}
