import type { PaymentsDeps } from './payments.deps.js';
import { registerLedgerTasks } from '../ledger/index.js';
import { reconcileTask, scheduleReconciliation } from './reconcile.task.js';
import { kashierEventTask } from './kashier-event.task.js';
import { processKashierEvent } from './kashier-webhook.service.js';
import { runReconciliation } from './reconciliation.service.js';
import { withdrawalHoldExpired } from './withdrawals.service.js';

/**
 * Money jobs: Kashier events (credit deposits), hold expiry (ledger, with the withdrawal hook) and the daily
 * reconciliation, which books its successor before it runs so a failing run
 * never breaks the chain.
 */
export function registerPaymentTasks(deps: PaymentsDeps) {
  registerLedgerTasks(deps, { onHoldExpired: { withdrawal: withdrawalHoldExpired(deps) } });
  deps.jobs.register(kashierEventTask, async (key, ctx) => {
    const outcome = await processKashierEvent(deps, key);
    ctx.log.info({ ...key, outcome }, 'kashier event applied');
  });
  deps.jobs.register(reconcileTask, async ({ day }, ctx) => {
    await scheduleReconciliation(deps, deps.db, new Date(`${day}T23:59:59Z`));
    const report = await runReconciliation(deps);
    ctx.log.info({ day, ok: report.ok }, 'daily reconciliation done');
  });
}

/** Books the next daily reconciliation (idempotent; call at start-up). */
export async function schedulePaymentJobs(deps: PaymentsDeps) {
  await scheduleReconciliation(deps, deps.db);
}
