import { randomUUID } from 'node:crypto';
import type { Db, Tx } from '../../platform/db/database.js';
import { conflict } from '../../platform/errors.js';
import { withTransaction } from '../../platform/db/transaction.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import { CURRENCY, ensureWallet, systemAccounts, transfer } from '../ledger/index.js';
import { CARD_TIP_TIMEOUT_MS, cardTipExpiryKey, cardTipExpiryTask } from './card-payment-expiry.task.js';
import { closeCardTipIf, insertCardTipOrder, openCardTipOnce } from './card-tips.repo.js';
import { kashierSettings } from './deposits.service.js';
import { insertFinanceAlert } from './finance.repo.js';
import { buildPaymentUrl } from './kashier.js';
import type { PaymentsConfig } from './payments.deps.js';
import { subjectOf, subjectReference } from './money-subject.js';
import type { CardTipOrderRow, TipRow } from './payments.tables.js';
import type { TipInput } from './tips.service.js';

/** What the tip flow needs to open a card tip's Kashier order. */
export interface CardTipCheckout {
  open(tx: Tx, tip: TipInput): Promise<TipRow>;
}

/**
 * Opens a Kashier order for a card trip's tip in the caller's transaction and
 * books its 30-minute deadline with a job key (one per order). No money moves
 * until Kashier's webhook says the rider paid. A pending or paid tip makes a
 * second one 409; a failed one is reopened with a fresh order.
 */
export function createCardTipCheckout(deps: { jobs: JobQueue; config: PaymentsConfig }): CardTipCheckout {
  return {
    async open(tx, tip) {
      const orderId = randomUUID();
      const paymentUrl = buildPaymentUrl(kashierSettings(deps.config), {
        orderId,
        amount: tip.amount,
        currency: CURRENCY,
      });
      const row = await openCardTipOnce(tx, tip.subject, {
        rider_id: tip.riderId,
        driver_id: tip.driverId,
        amount: tip.amount,
        order_id: orderId,
        payment_url: paymentUrl,
      });
      if (!row) throw conflict(`This ${tip.subject.kind === 'trip' ? 'trip' : 'service request'} already has a tip`);
      await insertCardTipOrder(tx, tip.subject, { id: orderId, amount: tip.amount });
      await deps.jobs.enqueue(
        tx,
        cardTipExpiryTask,
        { orderId },
        { jobKey: cardTipExpiryKey(orderId), runAt: new Date(Date.now() + CARD_TIP_TIMEOUT_MS) },
      );
      return row;
    },
  };
}

/**
 * Kashier says the rider paid the tip: the tip leaves `pending` by
 * compare-and-set (once, whatever the replays) and the whole amount moves
 * provider clearing → driver wallet, in the webhook job's transaction. An
 * order that is no longer the tip's pending one (paid, expired, replaced by a
 * retry) moves nothing and is left to finance with an alert.
 */
export async function settlePaidCardTip(tx: Tx, order: CardTipOrderRow, transactionId: string): Promise<string> {
  const closed = await closeCardTipIf(tx, { orderId: order.id, to: 'paid', transactionId });
  if (!closed) {
    await insertFinanceAlert(tx, {
      kind: 'kashier_card_tip_closed',
      subjectId: order.id,
      message: 'Kashier reported a card tip order that was already paid, had expired or was replaced',
      details: { tripId: order.trip_id, serviceRequestId: order.service_request_id, transactionId },
    });
    return 'card_tip_already_closed';
  }
  const driver = await ensureWallet(tx, { ownerId: closed.driver_id, kind: 'driver_wallet' });
  const { provider_clearing } = await systemAccounts(tx);
  const reference = subjectReference(subjectOf(closed));
  await transfer(tx, {
    id: `${reference}:tip`,
    type: 'posted',
    debitAccountId: provider_clearing,
    creditAccountId: driver.id,
    amount: closed.amount,
    kind: 'tip',
    reference,
  });
  return 'card_tip_paid';
}

/** The 30-minute job: a card tip still pending fails; nothing is owed and the rider may tip again. */
export async function expireCardTip(deps: { db: Db }, orderId: string): Promise<'failed' | 'already_closed'> {
  return withTransaction(deps.db, async (tx) => {
    const closed = await closeCardTipIf(tx, { orderId, to: 'failed' });
    return closed ? 'failed' : 'already_closed';
  });
}
