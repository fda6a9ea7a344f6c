import type { DbHandle } from '../../platform/db/database.js';
import { serviceSettlements } from '../service-requests/index.js';
import type { MoneySubject } from './money-subject.js';
import { addRefunded, lockSettlement } from './refunds.repo.js';

/** What a refund reads of a trip's or service request's settlement, under the settlement's row lock. */
export interface Refundable {
  payerId: string;
  method: 'wallet' | 'cash' | 'card';
  /** Money actually in: a card job whose payment failed (or is pending) was never paid. */
  paid: number;
  refunded: number;
}

/** A card job whose payment failed or is still pending was never paid (the payer owes it); every other was. */
const wasPaid = (method: string, outcome: string) => method !== 'card' || outcome === 'paid';

/**
 * Locks the settlement row refunds of one trip (trip_settlements) or one service request (service_settlements)
 * take turns on; undefined when there is none.
 */
export async function lockRefundable(tx: DbHandle, subject: MoneySubject): Promise<Refundable | undefined> {
  if (subject.kind === 'trip') {
    const s = await lockSettlement(tx, subject.id);
    if (!s) return undefined;
    const paid = wasPaid(s.method, s.outcome) ? s.fare : 0;
    return { payerId: s.rider_id, method: s.method, paid, refunded: s.refunded };
  }
  const s = await serviceSettlements.lock(tx, subject.id);
  if (!s) return undefined;
  const paid = wasPaid(s.method, s.outcome) ? s.total : 0;
  return { payerId: s.customer_id, method: s.method, paid, refunded: s.refunded };
}

/** Counts `delta` against what was paid (negative gives a failed card refund back); false past the bounds. */
export function addRefundedTo(tx: DbHandle, subject: MoneySubject, delta: number): Promise<boolean> {
  return subject.kind === 'trip'
    ? addRefunded(tx, subject.id, delta)
    : serviceSettlements.addRefunded(tx, subject.id, delta);
}
