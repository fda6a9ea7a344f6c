import type { Db } from '../platform/db/database.js';
import { cardPaymentOf, moneySummary, serviceSubject } from '../modules/payments/index.js';
import { serviceReceipt, type ServiceViewer } from '../modules/service-requests/index.js';

/**
 * Issue 18 #6: a service request's receipt as a trip's: the invoice lines, the card payment (with its link while
 * pending), the money that moved (payments, cash collected), the tip and the refunds.
 */
export async function serviceRequestReceipt(db: Db, input: { requestId: string; viewer: ServiceViewer }) {
  const receipt = await serviceReceipt(db, input.requestId, input.viewer);
  const subject = serviceSubject(input.requestId);
  // A wallet that could not pay was collected in cash; an unpaid card became dues (a ledger move, listed anyway).
  const inCash = receipt.method === 'cash' || (receipt.method === 'wallet' && receipt.outcome === 'payment_failed');
  const cash = inCash && receipt.total > 0 ? { amount: receipt.total, at: new Date(receipt.settledAt) } : null;
  const [money, payment] = await Promise.all([moneySummary(db, subject, cash), cardPaymentOf(db, subject)]);
  return { ...receipt, payment, ...money };
}
