import { sql } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { AccountState, NewTransfer, SystemAccountKind, WalletKind } from './ledger.types.js';
import { ACCOUNT_COLUMNS, q, toAccount, toTransfer } from './ledger-rows.js';

type OwnedKind = WalletKind | 'rider_dues';

export async function findAccounts(db: DbHandle, ids: number[]): Promise<AccountState[]> {
  if (ids.length === 0) return [];
  const rows = await q(db)
    .selectFrom('ledger_accounts')
    .select(ACCOUNT_COLUMNS)
    .where('id', '=', sql<number>`ANY(${ids}::bigint[])`)
    .execute();
  return rows.map(toAccount);
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
