import type { DbHandle } from '../../platform/db/database.js';
import { transfersReferencing } from '../ledger/index.js';
import { findSettlement } from './finance.repo.js';
import { listRefunds } from './refunds.service.js';

/** Ledger kinds in which the rider paid for the trip itself (not a tip, not a refund). */
const PAYMENT_KINDS = new Set(['trip_fare', 'card_fare', 'cancellation_fee', 'dues']);

export interface TripMoneySummary {
  /** What the rider paid: wallet movements by kind, and `cash` when the driver collected the fare. */
  payments: Array<{ kind: string; amount: number; at: string }>;
  /** Sum of tips, null when none was given. */
  tip: number | null;
  /** Every refund of the trip with its state (a card refund is `pending` until Kashier confirms it). */
  refunds: Array<{ id: string; amount: number; status: 'pending' | 'succeeded' | 'failed'; at: string }>;
}

/**
 * The money already moved for a trip: the one read receipts (and anything
 * else that must not double-count) use. Ledger transfers referencing
 * `trip:<id>` grouped by kind; a cash fare never enters the ledger, so it is
 * taken from the trip's settlement row.
 */
export async function tripMoneySummary(db: DbHandle, tripId: string): Promise<TripMoneySummary> {
  const [transfers, settlement, refundRows] = await Promise.all([
    transfersReferencing(db, `trip:${tripId}`),
    findSettlement(db, tripId),
    listRefunds(db, tripId),
  ]);
  const payments = transfers
    .filter((t) => PAYMENT_KINDS.has(t.kind))
    .map((t) => ({ kind: t.kind, amount: t.amount, at: t.at.toISOString() }));
  const paidInCash = settlement && (settlement.method === 'cash' || settlement.outcome === 'payment_failed');
  if (paidInCash) payments.push({ kind: 'cash', amount: settlement.fare, at: settlement.settled_at.toISOString() });
  const tips = transfers.filter((t) => t.kind === 'tip');
  const refunds = refundRows.map((r) => ({ id: r.id, amount: r.amount, status: r.status, at: r.updatedAt }));
  return {
    payments,
    tip: tips.length === 0 ? null : tips.reduce((sum, t) => sum + t.amount, 0),
    refunds,
  };
}
