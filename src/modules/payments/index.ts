import type { HttpApp } from '../../platform/http/server.js';
import type { PaymentsDeps } from './payments.deps.js';
import { registerLedgerRoutes } from '../ledger/index.js';
import { registerPaymentRoutes } from './payments.routes.js';
import { registerPaymentAdminRoutes } from './payments.admin.routes.js';
import { registerPaymentTasks, schedulePaymentJobs } from './payments.tasks.js';

export { registerPaymentRoutes, registerPaymentAdminRoutes, registerPaymentTasks, schedulePaymentJobs };
export type { PaymentsDeps, PaymentsConfig } from './payments.deps.js';
export { recordSettlement, findTripSettlement, alertCreditLimitExceeded, type SettlementRecord } from './settlements.service.js';
export { runReconciliation, lastReconciliation, type ReconciliationReport } from './reconciliation.service.js';
export { createDeposit, kashierSettings } from './deposits.service.js';
export { handleKashierWebhook, processKashierEvent } from './kashier-webhook.service.js';
export { kashierEventTask } from './kashier-event.task.js';
export { requestWithdrawal, decideWithdrawal, withdrawalHoldExpired, WITHDRAWAL_HOLD_TTL_MS } from './withdrawals.service.js';
export { signWebhook, verifyWebhookSignature, orderHash, buildPaymentUrl, formatMajor, parseMajor, webhookSigningString } from './kashier.js';
export { FRAUD_LIMITS } from './fraud-rules.js';
export { reconcileTask, nextDailyRun } from './reconcile.task.js';

/** Wallet, payments and their jobs, wired in one call from app.ts. */
export async function installPayments(app: HttpApp, deps: PaymentsDeps) {
  registerLedgerRoutes(app, deps.db);
  registerPaymentRoutes(app, deps);
  registerPaymentAdminRoutes(app, deps);
  registerPaymentTasks(deps);
  await schedulePaymentJobs(deps);
}
