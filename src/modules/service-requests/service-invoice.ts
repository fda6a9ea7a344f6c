import { sql } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import { AppError, ErrorCode, notFound } from '../../platform/errors.js';
import { findLatestQuote } from './service-quotes.repo.js';
import { canSee, type ServiceViewer } from './service-requests.service.js';
import { findServiceRequest, type ServiceRequestRow } from './service-requests.repo.js';
import {
  addServiceRefunded,
  closeCardServiceSettlement,
  findServiceSettlement,
  findServiceSettlements,
  insertServiceSettlement,
  serviceSettlementCounts,
  type InvoiceItem,
  type NewServiceSettlement,
} from './service-settlements.repo.js';

export type { InvoiceItem, ServiceSettlementRow } from './service-settlements.repo.js';

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
  await insertServiceSettlement(db, row);
}

/**
 * What payments (refunds, card payments, reconciliation) do with a request's settlement row: read it, lock it so
 * refunds take turns, count refunds against its total, close a card request's pending outcome.
 */
export const serviceSettlements = {
  find: (db: DbHandle, requestId: string) => findServiceSettlement(db, requestId),
  lock: (db: DbHandle, requestId: string) => findServiceSettlement(db, requestId, { lock: true }),
  findMany: findServiceSettlements,
  addRefunded: addServiceRefunded,
  closeCard: closeCardServiceSettlement,
};

/** The receipt of a settled request, for its customer, provider or an admin (anyone else 404). */
export async function serviceReceipt(db: DbHandle, requestId: string, viewer: ServiceViewer) {
  const row = await findServiceRequest(db, requestId);
  if (!row || !canSee(row, viewer)) throw notFound('Service request');
  const s = await findServiceSettlement(db, requestId);
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
 * For reconciliation: finished requests (each must have one settlement, a card one `pending` until paid), the
 * wallet-paid totals the ledger's `service_fee` transfers must match and the card-paid totals its `card_fare`
 * transfers must match.
 */
export async function serviceSettlementTotals(db: DbHandle) {
  const finished = await db
    .withTables<{ service_requests: { status: string } }>()
    .selectFrom('service_requests')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('status', 'in', ['completed', 'declined_quote'])
    .executeTakeFirstOrThrow();
  const s = await serviceSettlementCounts(db);
  return {
    finished: finished.n,
    settled: s.settled,
    walletPaid: s.wallet_paid,
    walletPaidTotal: Number(s.wallet_total),
    cardPaid: s.card_paid,
    cardPaidTotal: Number(s.card_total),
    awaitingCard: s.awaiting_card,
  };
}
