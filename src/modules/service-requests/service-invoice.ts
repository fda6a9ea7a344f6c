import { sql, type Generated, type Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import { AppError, ErrorCode, notFound } from '../../platform/errors.js';
import { findLatestQuote } from './service-quotes.repo.js';
import { canSee, type ServiceViewer } from './service-requests.service.js';
import { findServiceRequest, type ServiceRequestRow } from './service-requests.repo.js';

/** One line of a service receipt: the estimate's call-out (and tow) lines plus the approved quote's lines. */
export interface InvoiceItem {
  code: 'call_out' | 'tow_distance' | 'labour' | 'part';
  label?: string;
  qty?: number;
  unitAmount?: number;
  amount: number;
}

interface ServiceSettlementsTable {
  request_id: string;
  customer_id: string;
  provider_id: string;
  method: 'wallet' | 'cash';
  outcome: 'paid' | 'payment_failed';
  items: InvoiceItem[];
  total: number;
  commission_bps: number;
  commission: number;
  provider_share: number;
  settled_at: Generated<Date>;
}

export type ServiceSettlementRow = Selectable<ServiceSettlementsTable>;
export type NewServiceSettlement = Omit<ServiceSettlementRow, 'settled_at' | 'items'> & { items: InvoiceItem[] };

const q = (db: DbHandle) => db.withTables<{ service_settlements: ServiceSettlementsTable }>();

/**
 * Issue 18 #6: what a finished request costs. Completed: the call-out fee (+ tow distance) it was priced with
 * plus the approved quote's lines. Declined quote: the call-out fee only (nothing was towed or repaired).
 */
export async function invoiceOf(db: DbHandle, row: ServiceRequestRow): Promise<InvoiceItem[]> {
  const estimate = row.estimate_items as Array<{ code: 'call_out' | 'tow_distance'; amount: number }>;
  if (row.status === 'declined_quote') return estimate.filter((i) => i.code === 'call_out');
  const quote = await findLatestQuote(db, row.id);
  const work = quote?.status === 'approved' ? quote.items : [];
  return [
    ...estimate.map((i) => ({ code: i.code, amount: i.amount })),
    ...work.map((w) => ({ code: w.kind, label: w.label, qty: w.qty, unitAmount: w.unitAmount, amount: w.amount })),
  ];
}

/** Once per request: a replayed completion finds the first row (the primary key keeps it to one). */
export async function recordServiceSettlement(db: DbHandle, row: NewServiceSettlement) {
  const values = { ...row, items: JSON.stringify(row.items) as unknown as InvoiceItem[] };
  await q(db)
    .insertInto('service_settlements')
    .values(values)
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** The receipt of a settled request, for its customer, provider or an admin (anyone else 404). */
export async function serviceReceipt(db: DbHandle, requestId: string, viewer: ServiceViewer) {
  const row = await findServiceRequest(db, requestId);
  if (!row || !canSee(row, viewer)) throw notFound('Service request');
  const s = await q(db)
    .selectFrom('service_settlements')
    .selectAll()
    .where('request_id', '=', requestId)
    .executeTakeFirst();
  if (!s) throw new AppError(ErrorCode.RECEIPT_NOT_AVAILABLE, 'The request has not been settled');
  return {
    requestId,
    status: row.status,
    method: s.method,
    outcome: s.outcome,
    items: s.items,
    total: s.total,
    currency: 'EGP' as const,
    tariffVersion: row.tariff_version,
    ...(viewer.id === s.customer_id ? {} : { commission: s.commission, providerShare: s.provider_share }),
    settledAt: s.settled_at.toISOString(),
  };
}

/**
 * For reconciliation: finished cash/wallet requests (each must have one settlement) and the wallet-paid totals
 * the ledger's `service_fee` transfers must match. Card requests are not settled here yet.
 */
export async function serviceSettlementTotals(db: DbHandle) {
  const finished = await db
    .withTables<{ service_requests: { status: string; payment_method: string } }>()
    .selectFrom('service_requests')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('status', 'in', ['completed', 'declined_quote'])
    .where('payment_method', '<>', 'card')
    .executeTakeFirstOrThrow();
  const settled = await q(db)
    .selectFrom('service_settlements')
    .select([
      sql<number>`count(*)::int`.as('settled'),
      sql<number>`(count(*) FILTER (WHERE method = 'wallet' AND outcome = 'paid' AND total > 0))::int`.as(
        'wallet_paid',
      ),
      sql<string>`coalesce(sum(total) FILTER (WHERE method = 'wallet' AND outcome = 'paid'), 0)`.as('wallet_total'),
    ])
    .executeTakeFirstOrThrow();
  return {
    finished: finished.n,
    settled: settled.settled,
    walletPaid: settled.wallet_paid,
    walletPaidTotal: Number(settled.wallet_total),
  };
}
