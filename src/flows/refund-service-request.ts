import type { Db } from '../platform/db/database.js';
import { notFound } from '../platform/errors.js';
import type { Viewer } from '../modules/trips/index.js';
import { serviceRecords } from '../modules/service-requests/index.js';
import { listRefunds, requestRefund, serviceSubject, type RefundView } from '../modules/payments/index.js';
import { assertWithinRefundLimit, type RefundTripDeps } from './refund-trip.js';

async function assertRequestExists(db: Db, requestId: string) {
  if (!(await serviceRecords.find(db, requestId))) throw notFound('Service request');
}

/**
 * Issue 18 #6: staff refund a service request as they refund a trip (same limit for support, same caps): an
 * unknown request is 404; whether anything was paid, and how much remains, is its settlement's to say (409).
 * Wallet and cash requests are refunded to the customer's wallet at once, card requests through Kashier.
 */
export async function refundServiceRequest(
  deps: RefundTripDeps,
  input: { admin: Viewer; requestId: string; amount: number; reason: string },
): Promise<RefundView> {
  assertWithinRefundLimit(deps, input.admin, input.amount);
  await assertRequestExists(deps.db, input.requestId);
  return requestRefund(deps, {
    adminId: input.admin.id,
    subject: serviceSubject(input.requestId),
    amount: input.amount,
    reason: input.reason,
  });
}

export async function serviceRequestRefunds(db: Db, input: { requestId: string }): Promise<RefundView[]> {
  await assertRequestExists(db, input.requestId);
  return listRefunds(db, serviceSubject(input.requestId));
}
