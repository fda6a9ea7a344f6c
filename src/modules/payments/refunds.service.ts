import { randomUUID } from 'node:crypto';
import type { DbHandle, Tx } from '../../platform/db/database.js';
import { runUnitOfWork, type EventRecorder } from '../../platform/events/unit-of-work.js';
import { recordAudit } from '../../platform/audit/audit.repo.js';
import { conflict } from '../../platform/errors.js';
import { decodeCursor, pageOf } from '../../platform/http/cursor.js';
import { JobPriority } from '../../platform/jobs/task.js';
import type { TaskContext } from '../../platform/jobs/task.js';
import { errorMessage, isPermanentProviderError } from '../../platform/providers/index.js';
import { ensureWallet, systemAccounts, transfer } from '../ledger/index.js';
import { findCardPaymentOf } from './card-payments.repo.js';
import { cardRefundTask } from './card-refund.task.js';
import { refundCardPayment } from './kashier-api.js';
import { subjectOf, subjectReference, type MoneySubject } from './money-subject.js';
import type { PaymentsDeps } from './payments.deps.js';
import type { RefundRow, RefundStatus } from './payments.tables.js';
import { addRefundedTo, lockRefundable } from './refundable.js';
import { findRefund, insertRefund, listRecentRefunds, listRefundsOf, settleRefundIf } from './refunds.repo.js';
import type { RefundView } from './refunds.schema.js';

export function toRefundView(row: RefundRow): RefundView {
  return {
    id: row.id,
    tripId: row.trip_id,
    serviceRequestId: row.service_request_id,
    amount: row.amount,
    currency: row.currency,
    reason: row.reason,
    destination: row.destination,
    status: row.status,
    failureReason: row.failure_reason,
    requestedBy: row.requested_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/**
 * Who funds a refund: the platform's revenue (the driver or provider keeps what the job earned; clawing it back
 * is a separate decision). Wallet and cash jobs: revenue → rider (customer) wallet now. Card jobs: revenue →
 * provider clearing once Kashier confirms (see completeCardRefund).
 */
async function refundToWallet(tx: Tx, row: RefundRow) {
  const wallet = await ensureWallet(tx, { ownerId: row.rider_id, kind: 'rider_wallet' });
  const { platform_revenue } = await systemAccounts(tx);
  await transfer(tx, {
    id: `refund:${row.id}`,
    type: 'posted',
    debitAccountId: platform_revenue,
    creditAccountId: wallet.id,
    amount: row.amount,
    kind: 'refund',
    reference: subjectReference(subjectOf(row)),
  });
}

export interface RefundInput {
  adminId: string;
  /** The trip or service request refunded. */
  subject: MoneySubject;
  amount: number;
  reason: string;
}

const AUDIT = {
  trip: { action: 'trip.refund', targetType: 'trip', noun: 'trip' },
  service: { action: 'service_request.refund', targetType: 'service_request', noun: 'service request' },
} as const;

/**
 * An admin refunds part or all of what a trip or service request was paid. The settlement row is locked first,
 * so concurrent refunds of one job take turns and each sees what the last left; over the remainder (or an
 * unpaid job) is 409 with `details.remaining`, and nothing is written. Audited in the same commit.
 */
export async function requestRefund(deps: PaymentsDeps, input: RefundInput): Promise<RefundView> {
  const audit = AUDIT[input.subject.kind];
  return runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
    const settlement = await lockRefundable(tx, input.subject);
    if (!settlement || settlement.paid === 0)
      throw conflict(`This ${audit.noun} has not been paid: there is nothing to refund`, { remaining: 0 });
    const remaining = settlement.paid - settlement.refunded;
    if (input.amount > remaining || !(await addRefundedTo(tx, input.subject, input.amount)))
      throw conflict(`Refunds may not exceed what was paid: ${remaining} piastres remain`, { remaining });
    const destination = settlement.method === 'card' ? 'card' : 'wallet';
    const row = await insertRefund(tx, input.subject, {
      id: randomUUID(),
      rider_id: settlement.payerId,
      amount: input.amount,
      reason: input.reason,
      destination,
      status: destination === 'card' ? 'pending' : 'succeeded',
      requested_by: input.adminId,
    });
    await recordRefundEvent(events, 'refund.created', row, input.adminId);
    if (destination === 'wallet') {
      await refundToWallet(tx, row);
      await recordRefundEvent(events, 'refund.succeeded', row, input.adminId);
    } else
      await deps.jobs.enqueue(
        tx,
        cardRefundTask,
        { refundId: row.id },
        { jobKey: `payments.card_refund:${row.id}`, priority: JobPriority.HIGH },
      );
    await recordAudit(tx, {
      actorId: input.adminId,
      action: audit.action,
      targetType: audit.targetType,
      targetId: input.subject.id,
      details: { refundId: row.id, amount: row.amount, destination, remainingAfter: remaining - row.amount },
    });
    return toRefundView(row);
  });
}

export async function listRefunds(db: DbHandle, subject: MoneySubject): Promise<RefundView[]> {
  return (await listRefundsOf(db, subject)).map(toRefundView);
}

/** The console's refunds list (issue 19.7): every trip's and service request's refunds, newest first. */
export async function listAllRefunds(db: DbHandle, args: { status?: RefundStatus; limit: number; cursor?: string }) {
  const after = decodeCursor(args.cursor);
  const rows = await listRecentRefunds(db, { status: args.status, limit: args.limit, after });
  const { page, nextCursor } = pageOf(rows, args.limit);
  return { items: page.map(toRefundView), nextCursor };
}

/** `refund.*` in the refund's own transaction; `refund` as the refunds list shows it then. */
async function recordRefundEvent(
  events: EventRecorder,
  type: 'refund.created' | 'refund.succeeded' | 'refund.failed',
  row: RefundRow,
  actorId: string | null,
) {
  await events.record({
    type,
    aggregateType: 'refund',
    aggregateId: row.id,
    actorId,
    payload: { refund: toRefundView(row) },
  });
}

/** Kashier gave the money back to the card: the refund succeeds and leaves provider clearing, in one commit. */
async function completeCardRefund(deps: PaymentsDeps, refund: RefundRow, providerRefundId: string) {
  await runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
    const moved = await settleRefundIf(tx, { id: refund.id, to: 'succeeded', providerRefundId });
    if (!moved) return;
    await recordRefundEvent(events, 'refund.succeeded', moved, null);
    const { platform_revenue, provider_clearing } = await systemAccounts(tx);
    await transfer(tx, {
      id: `refund:${refund.id}`,
      type: 'posted',
      debitAccountId: platform_revenue,
      creditAccountId: provider_clearing,
      amount: refund.amount,
      kind: 'refund',
      reference: subjectReference(subjectOf(refund)),
    });
  });
}

/** Kashier refused (or never answered): the refund fails and its amount may be refunded again. */
async function failCardRefund(deps: PaymentsDeps, refund: RefundRow, failureReason: string) {
  await runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
    const moved = await settleRefundIf(tx, { id: refund.id, to: 'failed', failureReason: failureReason.slice(0, 500) });
    if (!moved) return;
    await addRefundedTo(tx, subjectOf(refund), -refund.amount);
    await recordRefundEvent(events, 'refund.failed', moved, null);
  });
}

/**
 * The card-refund job: the provider call runs outside any transaction, behind
 * the `kashier` breaker. A refusal fails the refund; a transient error retries
 * the job with backoff, and the last attempt fails it rather than leave it pending.
 */
export async function runCardRefund(
  deps: PaymentsDeps,
  refundId: string,
  ctx: Pick<TaskContext, 'attempt' | 'maxAttempts'>,
) {
  const refund = await findRefund(deps.db, refundId);
  if (!refund || refund.status !== 'pending') return refund?.status ?? 'missing';
  const payment = await findCardPaymentOf(deps.db, subjectOf(refund));
  if (!payment?.provider_order_id) {
    await failCardRefund(deps, refund, 'no Kashier order recorded for this payment');
    return 'failed';
  }
  try {
    const { providerRefundId } = await refundCardPayment(
      {
        baseUrl: deps.config.KASHIER_API_URL,
        apiKey: deps.config.kashierApiKeys[0]!,
        timeoutMs: deps.config.PROVIDER_TIMEOUT_MS,
      },
      { providerOrderId: payment.provider_order_id, amount: refund.amount, reason: refund.reason, refundId },
    );
    await completeCardRefund(deps, refund, providerRefundId);
    return 'succeeded';
  } catch (err) {
    if (!isPermanentProviderError(err) && ctx.attempt < ctx.maxAttempts) throw err;
    await failCardRefund(deps, refund, errorMessage(err));
    return 'failed';
  }
}
