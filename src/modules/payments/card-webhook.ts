import type { DbHandle, Tx } from '../../platform/db/database.js';
import { AppError, ErrorCode } from '../../platform/errors.js';
import { findCardPayment } from './card-payments.repo.js';
import { settlePaidCardPayment } from './card-payments.service.js';
import { findCardTipOrder } from './card-tips.repo.js';
import { settlePaidCardTip } from './card-tips.service.js';
import { findDeposit } from './deposits.repo.js';
import { insertFinanceAlert } from './finance.repo.js';
import type { PaymentsConfig } from './payments.deps.js';
import type { CardPaymentRow, CardTipOrderRow } from './payments.tables.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The fields of a Kashier payment the card path reads. */
export interface CardWebhookPayment {
  transactionId: string;
  orderId: string | null;
  providerOrderId: string | null;
  status: string | null;
  amount: number | null;
  currency: string | null;
}

/**
 * Issue 15 (bad input): a signed payment for an order we never opened is 404,
 * and one for a card trip's order with another amount or currency is 409 —
 * refused before the inbox row, so nothing is written. Deposits keep their
 * own amount check in the job (it alerts finance). A card tip's order is
 * checked the same way as a card trip's.
 */
export async function assertKnownOrder(db: DbHandle, p: CardWebhookPayment): Promise<void> {
  const orderId = p.orderId && UUID.test(p.orderId) ? p.orderId : null;
  if (orderId && (await findDeposit(db, orderId))) return;
  const card = orderId ? ((await findCardPayment(db, orderId)) ?? (await findCardTipOrder(db, orderId))) : undefined;
  if (!card) throw new AppError(ErrorCode.NOT_FOUND, 'Unknown merchantOrderId: no such order');
  if (p.amount !== card.amount || p.currency !== card.currency)
    throw new AppError(ErrorCode.CONFLICT, 'The amount or currency does not match the order');
}

export async function findCardOrderFor(db: DbHandle, orderId: string | null): Promise<CardPaymentRow | undefined> {
  return orderId && UUID.test(orderId) ? findCardPayment(db, orderId) : undefined;
}

/** The job's card branch: settles a successful payment once; anything else is recorded and left for finance. */
export async function applyCardPayment(
  tx: Tx,
  config: Pick<PaymentsConfig, 'DRIVER_CREDIT_LIMIT'>,
  payment: CardPaymentRow,
  p: CardWebhookPayment,
): Promise<string> {
  if (p.status !== 'SUCCESS') return 'card_not_successful';
  if (p.amount !== payment.amount || p.currency !== payment.currency) return 'amount_mismatch';
  const outcome = await settlePaidCardPayment(tx, config, {
    payment,
    transactionId: p.transactionId,
    providerOrderId: p.providerOrderId,
  });
  if (outcome === 'card_already_closed')
    await insertFinanceAlert(tx, {
      kind: 'kashier_card_payment_closed',
      subjectId: payment.id,
      message: 'Kashier reported a card payment that was already paid or had expired into dues',
      details: {
        tripId: payment.trip_id,
        serviceRequestId: payment.service_request_id,
        transactionId: p.transactionId,
      },
    });
  return outcome;
}

export async function findCardTipFor(db: DbHandle, orderId: string | null): Promise<CardTipOrderRow | undefined> {
  return orderId && UUID.test(orderId) ? findCardTipOrder(db, orderId) : undefined;
}

/** The job's card-tip branch: a successful payment of the tip's amount settles it once; anything else is recorded. */
export async function applyCardTipPayment(tx: Tx, order: CardTipOrderRow, p: CardWebhookPayment): Promise<string> {
  if (p.status !== 'SUCCESS') return 'card_tip_not_successful';
  if (p.amount !== order.amount || p.currency !== order.currency) return 'amount_mismatch';
  return settlePaidCardTip(tx, order, p.transactionId);
}
