import { Counter } from 'prom-client';
import type { Config } from '../../config.js';
import type { Tx } from '../../platform/db/database.js';
import { AppError, ErrorCode } from '../../platform/errors.js';
import { runUnitOfWork, type EventRecorder } from '../../platform/events/unit-of-work.js';
import { JobPriority } from '../../platform/jobs/task.js';
import { metricsRegistry } from '../../platform/observability/metrics.js';
import type { PaymentsDeps } from './payments.deps.js';
import type { PaymentEventData } from './payments.events.js';
import { notify } from '../notifications/index.js';
import {
  findDeposit,
  lockProviderEvent,
  recordProviderEvent,
  setProviderEventOutcome,
  updateDepositIf,
} from './deposits.repo.js';
import { parseMajor, signsMoneyFields, verifyWebhookSignature } from './kashier.js';
import { kashierEventTask } from './kashier-event.task.js';
import { alert, creditPaidDeposit } from './deposit-credit.service.js';
import {
  applyCardPayment,
  applyCardTipPayment,
  assertKnownOrder,
  findCardOrderFor,
  findCardTipFor,
} from './card-webhook.js';

const webhooksTotal = new Counter({
  name: 'smartline_payments_webhooks_total',
  help: 'Kashier webhook deliveries by result (queued, duplicate, bad_signature, ignored_event)',
  labelNames: ['result'] as const,
  registers: [metricsRegistry],
});
const eventsTotal = new Counter({
  name: 'smartline_payments_kashier_events_total',
  help: 'Kashier events applied, by outcome',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PROVIDER = 'kashier';

export interface KashierPayment {
  event: string;
  transactionId: string;
  orderId: string | null;
  /** Kashier's own order id (its refund call addresses the order by it). */
  providerOrderId: string | null;
  status: string | null;
  amount: number | null;
  currency: string | null;
}

/** The one event we act on; no event name means a payment (Kashier's default webhook). */
const PAY_EVENT = 'pay';

/**
 * `event` sits outside `data`, so the signature does not cover it: it is
 * normalised, never trusted as part of the dedupe key (a signed payment
 * replayed under another name must still be the same inbox row).
 */
function normaliseEvent(event: unknown): string {
  return typeof event === 'string' && event.trim() !== '' ? event.trim().toLowerCase().slice(0, 50) : PAY_EVENT;
}

function readPayment(body: { event?: unknown; data: Record<string, unknown> }): KashierPayment {
  const d = body.data;
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 && v.length <= 200 ? v : null);
  const transactionId = str(d.transactionId);
  if (!transactionId)
    throw new AppError(ErrorCode.VALIDATION_ERROR, 'Webhook without data.transactionId', [
      { field: 'body.data.transactionId', message: 'required' },
    ]);
  return {
    event: PAY_EVENT,
    transactionId,
    orderId: str(d.merchantOrderId),
    providerOrderId: str(d.orderId),
    status: str(d.status)?.toUpperCase() ?? null,
    amount: parseMajor(d.amount),
    currency: str(d.currency),
  };
}

/** What we keep of a webhook: the event and the signed fields only (no card tokens or other extras). */
function signedPart(body: { event?: unknown; data: Record<string, unknown> }) {
  const keys = Array.isArray(body.data.signatureKeys) ? (body.data.signatureKeys as string[]) : [];
  return {
    event: body.event ?? null,
    data: Object.fromEntries(keys.map((k) => [k, body.data[k] ?? null])),
    signatureKeys: keys,
  };
}

/**
 * Keys a webhook may be signed with at `now`: the current one, plus the
 * previous one until KASHIER_PREVIOUS_KEY_UNTIL. Checked per request so the
 * grace window closes on time without a restart.
 */
export function webhookKeys(
  config: Pick<Config, 'kashierApiKeys' | 'KASHIER_PREVIOUS_KEY_UNTIL'>,
  now: Date,
): string[] {
  const until = config.KASHIER_PREVIOUS_KEY_UNTIL;
  return until && now >= until ? config.kashierApiKeys.slice(0, 1) : config.kashierApiKeys;
}

/**
 * Kashier's server-to-server webhook. The signature is checked before anything
 * is written (401 otherwise). Then ONE short transaction stores the event in
 * the inbox (primary key = provider, event, transaction id) and enqueues the
 * job that applies it; replays and races of the same transaction find the row
 * and answer 200 at once. Why a job rather than crediting in the request:
 * the proof of payment is stored even if crediting fails (a bug, a lock
 * storm): our job retries and dead-letters it where an admin sees it, and
 * reconciliation counts it as "paid but not credited". Crediting inline would
 * roll that proof back with the failure and leave it only with Kashier.
 */
export async function handleKashierWebhook(
  deps: PaymentsDeps,
  body: { event?: unknown; data: Record<string, unknown> },
  signature: string | undefined,
) {
  if (
    !signsMoneyFields(body.data) ||
    !verifyWebhookSignature(body.data, signature, webhookKeys(deps.config, new Date()))
  ) {
    webhooksTotal.inc({ result: 'bad_signature' });
    throw new AppError(
      ErrorCode.UNAUTHENTICATED,
      'Missing or invalid x-kashier-signature (amount, currency, merchantOrderId, status and transactionId must be ' +
        'signed)',
    );
  }
  // Other events (refunds, authorisations) are not acted on; acknowledged so Kashier stops retrying, not stored.
  if (normaliseEvent(body.event) !== PAY_EVENT) {
    webhooksTotal.inc({ result: 'ignored_event' });
    return { received: true as const, duplicate: false, outcome: 'ignored_event' };
  }
  const p = readPayment(body);
  await assertKnownOrder(deps.db, p);
  const fresh = await runUnitOfWork(deps.db, deps.bus, async (tx) => {
    const stored = await recordProviderEvent(tx, {
      provider: PROVIDER,
      event: p.event,
      providerTransactionId: p.transactionId,
      orderId: p.orderId,
      status: p.status,
      amount: p.amount,
      currency: p.currency,
      payload: signedPart(body),
    });
    if (stored) {
      const payload = { event: p.event, transactionId: p.transactionId };
      await deps.jobs.enqueue(tx, kashierEventTask, payload, {
        jobKey: `payments.kashier_event:${p.event}:${p.transactionId}`,
        priority: JobPriority.HIGH,
      });
    }
    return stored;
  });
  const result = fresh ? 'queued' : 'duplicate';
  webhooksTotal.inc({ result });
  return { received: true as const, duplicate: !fresh, outcome: result };
}

async function applyPayment(deps: PaymentsDeps, tx: Tx, events: EventRecorder, p: KashierPayment): Promise<string> {
  if (p.event !== 'pay') return 'ignored_event';
  const deposit = p.orderId && UUID.test(p.orderId) ? await findDeposit(tx, p.orderId) : undefined;
  const card = deposit ? undefined : await findCardOrderFor(tx, p.orderId);
  if (card) return applyCardPayment(tx, deps.config, card, p);
  const tip = deposit ? undefined : await findCardTipFor(tx, p.orderId);
  if (tip) return applyCardTipPayment(tx, tip, p);
  if (!deposit) {
    await alert(tx, 'kashier_unknown_order', p.orderId, 'Signed Kashier payment for an order we do not know', {
      transactionId: p.transactionId,
    });
    return 'unknown_order';
  }
  if (p.status !== 'SUCCESS') {
    const failed = await updateDepositIf(tx, { id: deposit.id, from: ['pending'], set: { status: 'failed' } });
    if (failed)
      await notify(tx, deps.jobs, {
        userId: deposit.user_id,
        template: 'wallet.deposit_failed',
        data: { depositId: deposit.id },
        priority: 'NORMAL',
      });
    return 'not_successful';
  }
  if (p.amount !== deposit.amount || p.currency !== deposit.currency) {
    await alert(tx, 'kashier_amount_mismatch', deposit.id, 'Kashier reported a different amount or currency', {
      expected: deposit.amount,
      reported: p.amount,
      currency: p.currency,
    });
    return 'amount_mismatch';
  }
  return creditPaidDeposit(deps, tx, events, deposit, p);
}

/** Outcomes that settle a payment of ours either way (the rest are alerts for finance: no webhook). */
const SETTLED: Record<string, { type: 'payment.succeeded' | 'payment.failed'; kind: PaymentEventData['kind'] }> = {
  credited: { type: 'payment.succeeded', kind: 'deposit' },
  held: { type: 'payment.succeeded', kind: 'deposit' },
  not_successful: { type: 'payment.failed', kind: 'deposit' },
  card_paid: { type: 'payment.succeeded', kind: 'card_trip' },
  card_not_successful: { type: 'payment.failed', kind: 'card_trip' },
  card_tip_paid: { type: 'payment.succeeded', kind: 'card_tip' },
  card_tip_not_successful: { type: 'payment.failed', kind: 'card_tip' },
};

/** The trip or service request a card order was opened for (nulls for a deposit). */
async function orderSubject(tx: Tx, orderId: string) {
  const order = (await findCardOrderFor(tx, orderId)) ?? (await findCardTipFor(tx, orderId));
  return { tripId: order?.trip_id ?? null, serviceRequestId: order?.service_request_id ?? null };
}

/** `payment.succeeded|failed` in the transaction that applied the payment (webhooks carry it). */
async function recordPaymentOutcome(tx: Tx, events: EventRecorder, p: KashierPayment, outcome: string) {
  const settled = SETTLED[outcome];
  if (!settled || !p.orderId) return; // settled outcomes only happen to our own (uuid) orders
  const subject = await orderSubject(tx, p.orderId);
  const payment: PaymentEventData = {
    transactionId: p.transactionId,
    orderId: p.orderId,
    kind: settled.kind === 'card_trip' && subject.serviceRequestId ? 'card_service' : settled.kind,
    ...subject,
    amount: p.amount,
    currency: p.currency,
    providerStatus: p.status,
    outcome,
  };
  await events.record({
    type: settled.type,
    aggregateType: 'payment',
    aggregateId: p.orderId,
    actorId: null,
    payload: { payment },
  });
}

/** Kashier's order id as stored with the signed part of the webhook (null when it was not signed). */
function signedOrderId(payload: unknown): string | null {
  const value = (payload as { data?: Record<string, unknown> } | null)?.data?.orderId;
  return typeof value === 'string' && value.length <= 200 ? value : null;
}

/**
 * The job: applies one inbox row exactly once. The row is locked and its
 * outcome written in the same transaction as the credit, so a second run (a
 * retry after a crash, a re-queued dead letter) finds the outcome and stops.
 */
export async function processKashierEvent(
  deps: PaymentsDeps,
  key: { event: string; transactionId: string },
): Promise<string> {
  return runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
    const inboxKey = { provider: PROVIDER, event: key.event, providerTransactionId: key.transactionId };
    const row = await lockProviderEvent(tx, inboxKey);
    if (!row) return 'missing';
    if (row.outcome) return row.outcome;
    const p: KashierPayment = {
      event: row.event,
      transactionId: row.provider_transaction_id,
      orderId: row.order_id,
      providerOrderId: signedOrderId(row.payload),
      status: row.status,
      amount: row.amount,
      currency: row.currency,
    };
    const outcome = await applyPayment(deps, tx, events, p);
    await recordPaymentOutcome(tx, events, p, outcome);
    await setProviderEventOutcome(tx, inboxKey, outcome);
    eventsTotal.inc({ outcome });
    return outcome;
  });
}
