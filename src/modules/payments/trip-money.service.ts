import type { DbHandle } from '../../platform/db/database.js';
import { transfersReferencing } from '../ledger/index.js';
import { findSettlement } from './finance.repo.js';
import { subjectReference, tripSubject, type MoneySubject } from './money-subject.js';
import { listRefunds } from './refunds.service.js';

/** Ledger kinds in which the payer paid for the job itself (not a tip, not a refund). */
const PAYMENT_KINDS = new Set(['trip_fare', 'service_fee', 'card_fare', 'cancellation_fee', 'dues']);

export interface TripMoneySummary {
  /** What the rider paid: wallet movements by kind, and `cash` when the driver collected the fare. */
  payments: Array<{ kind: string; amount: number; at: string }>;
  /** Sum of tips, null when none was given. */
  tip: number | null;
  /** Every refund of the trip with its state (a card refund is `pending` until Kashier confirms it). */
  refunds: Array<{ id: string; amount: number; status: 'pending' | 'succeeded' | 'failed'; at: string }>;
}

/** Money the driver or provider collected in cash: it never enters the ledger, the settlement row tells it. */
export interface CashCollected {
  amount: number;
  at: Date;
}

/**
 * The money already moved for a trip or service request: what receipts (and anything else that must not
 * double-count) read. Ledger transfers referencing `trip:<id>` / `service:<id>` grouped by kind, plus the cash
 * the settlement says was collected.
 */
export async function moneySummary(
  db: DbHandle,
  subject: MoneySubject,
  cash: CashCollected | null,
): Promise<TripMoneySummary> {
  const [transfers, refundRows] = await Promise.all([
    transfersReferencing(db, subjectReference(subject)),
    listRefunds(db, subject),
  ]);
  const payments = transfers
    .filter((t) => PAYMENT_KINDS.has(t.kind))
    .map((t) => ({ kind: t.kind, amount: t.amount, at: t.at.toISOString() }));
  if (cash) payments.push({ kind: 'cash', amount: cash.amount, at: cash.at.toISOString() });
  const tips = transfers.filter((t) => t.kind === 'tip');
  const refunds = refundRows.map((r) => ({ id: r.id, amount: r.amount, status: r.status, at: r.updatedAt }));
  return {
    payments,
    tip: tips.length === 0 ? null : tips.reduce((sum, t) => sum + t.amount, 0),
    refunds,
  };
}

/** A trip's money: a cash fare (or a wallet one collected in cash) is taken from the trip's settlement row. */
export async function tripMoneySummary(db: DbHandle, tripId: string): Promise<TripMoneySummary> {
  const settlement = await findSettlement(db, tripId);
  const paidInCash = settlement && (settlement.method === 'cash' || settlement.outcome === 'payment_failed');
  const cash = paidInCash ? { amount: settlement.fare, at: settlement.settled_at } : null;
  return moneySummary(db, tripSubject(tripId), cash);
}
