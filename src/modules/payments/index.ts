import type { HttpApp } from '../../platform/http/server.js';
import type { PaymentsDeps } from './payments.deps.js';
import { registerLedgerRoutes } from '../ledger/index.js';
import { registerPaymentRoutes } from './payments.routes.js';
import { registerPaymentAdminRoutes } from './payments.admin.routes.js';
import { registerPaymentTasks, schedulePaymentJobs } from './payments.tasks.js';

export { registerPaymentRoutes, registerPaymentAdminRoutes, registerPaymentTasks, schedulePaymentJobs };
export type { PaymentsDeps } from './payments.deps.js';
export { recordSettlement, alertCreditLimitExceeded } from './settlements.service.js';
export { runReconciliation, lastReconciliation } from './reconciliation.service.js';

export { processKashierEvent } from './kashier-webhook.service.js';

export { withdrawalHoldExpired, WITHDRAWAL_HOLD_TTL_MS } from './withdrawals.service.js';

export { reconcileTask, nextDailyRun } from './reconcile.task.js';

/** Wallet, payments and their jobs, wired in one call from app.ts. */
export async function installPayments(app: HttpApp, deps: PaymentsDeps) {
  registerLedgerRoutes(app, deps.db);
  registerPaymentRoutes(app, deps);
  registerPaymentAdminRoutes(app, deps);
  registerPaymentTasks(deps);
  await schedulePaymentJobs(deps);
}
