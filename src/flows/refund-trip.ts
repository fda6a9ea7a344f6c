import type { Db } from '../platform/db/database.js';
import { AppError, ErrorCode } from '../platform/errors.js';
import { holdsGrant, STAFF_ACCESS } from '../platform/http/route-config.js';
import { tripRecords, type Viewer } from '../modules/trips/index.js';
import { notFound } from '../platform/errors.js';
import {
  listRefunds,
  requestRefund,
  tripSubject,
  type PaymentsDeps,
  type RefundView,
} from '../modules/payments/index.js';

/** What the refund flows use: the payments services (their db, jobs and Kashier settings). */
export type RefundTripDeps = PaymentsDeps & { supportRefundLimit: number };

/** What the refund checks read of the deps. */
type RefundLimit = Pick<RefundTripDeps, 'supportRefundLimit'>;

/** Support staff refund up to the configured limit per request; finance and admins have none. */
export function assertWithinRefundLimit(deps: RefundLimit, actor: Viewer, amount: number) {
  if (holdsGrant(actor, STAFF_ACCESS.money) || amount <= deps.supportRefundLimit) return;
  throw new AppError(ErrorCode.FORBIDDEN, `Refunds above ${deps.supportRefundLimit} need finance`, {
    limit: deps.supportRefundLimit,
  });
}

/**
 * Issue 15 point 5: an admin refunds a trip. An unknown trip is 404; whether
 * anything was paid, and how much remains, is the settlement's to say (409).
 */
/** The routes admit only staff who refund (admin, finance, support), and they may refund any trip. */
async function assertTripExists(db: Db, tripId: string) {
  if (!(await tripRecords.find(db, tripId))) throw notFound('Trip');
}

export async function refundTrip(
  deps: RefundTripDeps,
  input: { admin: Viewer; tripId: string; amount: number; reason: string },
): Promise<RefundView> {
  assertWithinRefundLimit(deps, input.admin, input.amount);
  await assertTripExists(deps.db, input.tripId);
  return requestRefund(deps, {
    adminId: input.admin.id,
    subject: tripSubject(input.tripId),
    amount: input.amount,
    reason: input.reason,
  });
}

export async function tripRefunds(db: Db, input: { tripId: string }): Promise<RefundView[]> {
  await assertTripExists(db, input.tripId);
  return listRefunds(db, tripSubject(input.tripId));
}
