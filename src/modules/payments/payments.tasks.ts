import type { PaymentsDeps } from './payments.deps.js';
import { registerLedgerTasks } from '../ledger/index.js';
import { RECONCILE_CRON, reconcileTask } from './reconcile.task.js';
import { DAILY_BACKFILL_MS } from '../../platform/jobs/crontab.js';
import { kashierEventTask } from './kashier-event.task.js';
import { processKashierEvent } from './kashier-webhook.service.js';
import { runReconciliation } from './reconciliation.service.js';
import { withdrawalHoldExpired } from './withdrawals.service.js';
import { cardRefundTask } from './card-refund.task.js';
import { cardPaymentExpiryTask, cardTipExpiryTask } from './card-payment-expiry.task.js';
import { expireCardTip } from './card-tips.service.js';
import { expireCardPayment } from './card-payments.service.js';
import { runCardRefund } from './refunds.service.js';

/**
 * Money jobs: Kashier events (credit deposits), hold expiry (ledger, with the withdrawal hook) and the daily
 * reconciliation (graphile-worker's crontab).
 */
export function registerPaymentTasks(deps: PaymentsDeps) {
  registerLedgerTasks(deps, { onHoldExpired: { withdrawal: withdrawalHoldExpired(deps) } });
  deps.jobs.register(kashierEventTask, async (key, ctx) => {
    const outcome = await processKashierEvent(deps, key);
    ctx.log.info({ ...key, outcome }, 'kashier event applied');
  });
  deps.jobs.register(cardRefundTask, async ({ refundId }, ctx) => {
    const outcome = await runCardRefund(deps, refundId, ctx);
    ctx.log.info({ refundId, outcome }, 'card refund handled');
  });
  deps.jobs.register(cardPaymentExpiryTask, async ({ paymentId }, ctx) => {
    const outcome = await expireCardPayment(deps, paymentId);
    ctx.log.info({ paymentId, outcome }, 'card payment deadline reached');
  });
  deps.jobs.register(cardTipExpiryTask, async ({ orderId }, ctx) => {
    const outcome = await expireCardTip(deps, orderId);
    ctx.log.info({ orderId, outcome }, 'card tip deadline reached');
  });
  deps.jobs.register(reconcileTask, async (_payload, ctx) => {
    const report = await runReconciliation(deps);
    ctx.log.info({ ok: report.ok }, 'daily reconciliation done');
  });
  deps.jobs.schedule(reconcileTask, RECONCILE_CRON, { backfillMs: DAILY_BACKFILL_MS });
}
