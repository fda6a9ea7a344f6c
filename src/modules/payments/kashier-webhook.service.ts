import { Counter } from 'prom-client';
import type { Config } from '../../config.js';
import type { Tx } from '../../platform/db/database.js';
import { AppError, ErrorCode } from '../../platform/errors.js';
import { runUnitOfWork, type EventRecorder } from '../../platform/events/unit-of-work.js';
import { JobPriority } from '../../platform/jobs/task.js';
import { metricsRegistry } from '../../platform/observability/metrics.js';
import type { PaymentsDeps } from './payments.deps.js';
import { CURRENCY, findWallet, placeHold, systemAccounts, transfer } from '../ledger/index.js';
import { notify } from '../notifications/index.js';
import {
  countPaidDepositsSince,
  findDeposit,
  lockProviderEvent,
  recordProviderEvent,
  setProviderEventOutcome,
  updateDepositIf,
} from './deposits.repo.js';
import { insertFinanceAlert } from './finance.repo.js';
import { depositReviewReason } from './fraud-rules.js';
import { parseMajor, signsMoneyFields, verifyWebhookSignature } from './kashier.js';
import { kashierEventTask } from './kashier-event.task.js';
import type { DepositRow } from './payments.tables.js';

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

const HOUR_MS = 3_600_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PROVIDER = 'kashier';

interface KashierPayment {
  event: string;
  transactionId: string;
  orderId: string | null;
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

async function alert(
  tx: Tx,
  kind: string,
  subjectId: string | null,
  message: string,
  details: Record<string, unknown>,
) {
  await insertFinanceAlert(tx, { kind, subjectId, message, details });
}

/** A successful payment for a deposit we hold: credit it now, or hold it for review if a fraud rule hits. */
async function creditPaidDeposit(
  deps: PaymentsDeps,
  tx: Tx,
  events: EventRecorder,
  deposit: DepositRow,
  p: KashierPayment,
): Promise<string> {
  const now = new Date();
  const reason = depositReviewReason({
    amount: deposit.amount,
    paidDepositsLastHour: await countPaidDepositsSince(tx, deposit.user_id, new Date(now.getTime() - HOUR_MS)),
  });
  const moved = await updateDepositIf(tx, {
    id: deposit.id,
    from: ['pending', 'failed'],
    set: {
      status: reason ? 'held' : 'credited',
      provider_transaction_id: p.transactionId,
      review_reason: reason,
      paid_at: now,
    },
  });
  if (!moved) {
    await alert(
      tx,
      'kashier_duplicate_payment',
      deposit.id,
      'A second successful payment arrived for a deposit already paid',
      { transactionId: p.transactionId },
    );
    return 'already_paid';
  }
  // Created with the deposit (createDeposit), when the payer's role was known.
  const wallet = await findWallet(tx, deposit.user_id);
  if (!wallet) throw new Error(`wallet of deposit ${deposit.id} is missing`);
  const { provider_clearing } = await systemAccounts(tx);
  const move = {
    id: `deposit:${deposit.id}`,
    debitAccountId: provider_clearing,
    creditAccountId: wallet.id,
    amount: deposit.amount,
    kind: 'deposit' as const,
    reference: `deposit:${deposit.id}`,
  };
  if (reason) {
    await placeHold(tx, deps.jobs, move);
    await alert(tx, 'deposit_review', deposit.id, `Deposit held for review: ${reason}`, {
      userId: deposit.user_id,
      amount: deposit.amount,
      reason,
    });
  } else {
    await transfer(tx, { ...move, type: 'posted' });
  }
  await events.record({
    type: 'wallet.deposit_paid',
    aggregateType: 'deposit',
    aggregateId: deposit.id,
    actorId: null,
    payload: { depositId: deposit.id, userId: deposit.user_id, amount: deposit.amount, held: reason !== null, reason },
  });
  const template = reason ? 'wallet.deposit_held' : 'wallet.deposit_credited';
  await notify(tx, deps.jobs, {
    userId: deposit.user_id,
    template,
    data: { depositId: deposit.id, amount: deposit.amount, currency: CURRENCY },
    priority: 'HIGH',
  });
  return reason ? 'held' : 'credited';
}

async function applyPayment(deps: PaymentsDeps, tx: Tx, events: EventRecorder, p: KashierPayment): Promise<string> {
  if (p.event !== 'pay') return 'ignored_event';
  const deposit = p.orderId && UUID.test(p.orderId) ? await findDeposit(tx, p.orderId) : undefined;
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
      status: row.status,
      amount: row.amount,
      currency: row.currency,
    };
    const outcome = await applyPayment(deps, tx, events, p);
    await setProviderEventOutcome(tx, inboxKey, outcome);
    eventsTotal.inc({ outcome });
    return outcome;
  });
}
