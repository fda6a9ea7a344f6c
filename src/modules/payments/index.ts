import type { HttpApp } from '../../platform/http/server.js';
import type { PaymentsDeps } from './payments.deps.js';
import { registerLedgerRoutes } from '../ledger/index.js';
import { registerPaymentRoutes } from './payments.routes.js';
import { registerPaymentAdminRoutes } from './payments.admin.routes.js';
import { registerPaymentTasks } from './payments.tasks.js';
import { registerPayoutRoutes } from './payouts.routes.js';
import { payoutMethodOf } from './payout-methods.service.js';
import { PayoutMethodSchema } from './payouts.schema.js';
import { registerReceiptRoutes } from './receipt.routes.js';

export { registerPaymentRoutes, registerPaymentAdminRoutes, registerPaymentTasks };
export type { PaymentsDeps } from './payments.deps.js';
export { recordSettlement, alertCreditLimitExceeded } from './settlements.service.js';
export { runReconciliation, lastReconciliation } from './reconciliation.service.js';

export { recordRiderDues, riderDuesOf, settledDuesOf, duesClearedTransferId } from './dues.service.js';
export { chargeCancellationFee, waiveCancellationFee, toFeeView, type CancellationFeeInput } from './fees.service.js';
export { tipDriver, toTipView, MAX_TIP, type TipInput } from './tips.service.js';
export { createCardTipCheckout, type CardTipCheckout } from './card-tips.service.js';
export { TipRequest, TipSchema, CancellationFeeSchema, WaiveFeeRequest } from './fees.schema.js';

export { processKashierEvent } from './kashier-webhook.service.js';

export { requestRefund, listRefunds, listAllRefunds, type RefundInput } from './refunds.service.js';
export { ListRefundsQuery, RefundRequest, RefundSchema, TripPaymentSchema, type RefundView } from './refunds.schema.js';
export {
  createCardCheckout,
  cardPaymentOf,
  cardPaymentOfTrip,
  expireCardPayment,
  type CardCheckout,
  type CardCharge,
} from './card-payments.service.js';
export { serviceSubject, tripSubject, type MoneySubject } from './money-subject.js';
export {
  cardPaymentExpiryTask,
  cardPaymentExpiryKey,
  CARD_PAYMENT_TIMEOUT_MS,
  cardTipExpiryTask,
  cardTipExpiryKey,
  CARD_TIP_TIMEOUT_MS,
} from './card-payment-expiry.task.js';

export { withdrawalHoldExpired, WITHDRAWAL_HOLD_TTL_MS } from './withdrawals.service.js';

export { reconcileTask, RECONCILE_CRON } from './reconcile.task.js';

export { moneySummary, tripMoneySummary, type TripMoneySummary } from './trip-money.service.js';
export { driverDayEarnings, reportDayOf } from './reports.service.js';
export { tripReceipt } from './receipt.service.js';

/** Wallet, payments and their jobs, wired in one call from app.ts. */
export async function installPayments(app: HttpApp, deps: PaymentsDeps) {
  // GET /wallet shows where withdrawals go (masked), null until the driver sets it.
  registerLedgerRoutes(app, deps.db, {
    fields: { payoutMethod: PayoutMethodSchema.nullable() },
    load: async (db, ownerId) => ({ payoutMethod: await payoutMethodOf(db, ownerId) }),
  });
  registerPaymentRoutes(app, deps);
  registerPayoutRoutes(app, deps);
  registerPaymentAdminRoutes(app, deps);
  registerReceiptRoutes(app, deps.db);
  registerPaymentTasks(deps);
}
