import { sql, type Generated, type Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';

/** One line of a service receipt: the estimate's call-out (and tow) lines plus the approved quote's lines. */
export interface InvoiceItem {
  code: 'call_out' | 'tow_distance' | 'labour' | 'part';
  label?: string;
  qty?: number;
  unitAmount?: number;
  amount: number;
}

/** `pending`: a card request whose customer has not paid on Kashier's page yet (migration 0060). */
export type ServiceSettlementOutcome = 'paid' | 'payment_failed' | 'pending';

interface ServiceSettlementsTable {
  request_id: string;
  customer_id: string;
  provider_id: string;
  method: 'wallet' | 'cash' | 'card';
  outcome: ServiceSettlementOutcome;
  items: InvoiceItem[];
  total: number;
  commission_bps: number;
  commission: number;
  provider_share: number;
  /** Refunded (or being refunded) so far; never above `total` (migration 0060). */
  refunded: Generated<number>;
  settled_at: Generated<Date>;
}

export type ServiceSettlementRow = Selectable<ServiceSettlementsTable>;
export type NewServiceSettlement = Omit<ServiceSettlementRow, 'settled_at' | 'items' | 'refunded'> & {
  items: InvoiceItem[];
};

const q = (db: DbHandle) => db.withTables<{ service_settlements: ServiceSettlementsTable }>();

/** Once per request: a replayed completion finds the first row (the primary key keeps it to one). */
export async function insertServiceSettlement(db: DbHandle, row: NewServiceSettlement) {
  const values = { ...row, items: JSON.stringify(row.items) as unknown as InvoiceItem[] };
  await q(db)
    .insertInto('service_settlements')
    .values(values)
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function findServiceSettlement(db: DbHandle, requestId: string, opts: { lock?: boolean } = {}) {
  const query = q(db).selectFrom('service_settlements').selectAll().where('request_id', '=', requestId);
  return (opts.lock ? query.forUpdate() : query).executeTakeFirst();
}

export async function findServiceSettlements(db: DbHandle, requestIds: string[]): Promise<ServiceSettlementRow[]> {
  if (requestIds.length === 0) return [];
  return q(db).selectFrom('service_settlements').selectAll().where('request_id', 'in', requestIds).execute();
}

/** Adds `delta` to what is refunded (negative gives a failed refund back), only while it stays within the total. */
export async function addServiceRefunded(tx: DbHandle, requestId: string, delta: number): Promise<boolean> {
  const row = await q(tx)
    .updateTable('service_settlements')
    .set({ refunded: sql<number>`refunded + ${delta}` })
    .where('request_id', '=', requestId)
    .where(sql<boolean>`refunded + ${delta} BETWEEN 0 AND total`)
    .returning('request_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** A card request's settlement leaves `pending` with its card payment (the caller's compare-and-set decided). */
export async function closeCardServiceSettlement(tx: DbHandle, requestId: string, outcome: 'paid' | 'payment_failed') {
  await q(tx)
    .updateTable('service_settlements')
    .set({ outcome, settled_at: sql<Date>`now()` })
    .where('request_id', '=', requestId)
    .where('outcome', '=', 'pending')
    .execute();
}

/** For reconciliation: settlements by method and outcome, and the wallet-paid total. */
export async function serviceSettlementCounts(db: DbHandle) {
  return q(db)
    .selectFrom('service_settlements')
    .select([
      sql<number>`count(*)::int`.as('settled'),
      sql<number>`(count(*) FILTER (WHERE method = 'wallet' AND outcome = 'paid' AND total > 0))::int`.as(
        'wallet_paid',
      ),
      sql<string>`coalesce(sum(total) FILTER (WHERE method = 'wallet' AND outcome = 'paid'), 0)`.as('wallet_total'),
      sql<number>`(count(*) FILTER (WHERE method = 'card' AND outcome = 'paid'))::int`.as('card_paid'),
      sql<string>`coalesce(sum(total) FILTER (WHERE method = 'card' AND outcome = 'paid'), 0)`.as('card_total'),
      sql<number>`(count(*) FILTER (WHERE outcome = 'pending'))::int`.as('awaiting_card'),
    ])
    .executeTakeFirstOrThrow();
}
