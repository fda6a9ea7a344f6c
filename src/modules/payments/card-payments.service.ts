import { randomUUID } from 'node:crypto';
import type { Db, DbHandle, Tx } from '../../platform/db/database.js';
import { withTransaction } from '../../platform/db/transaction.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import { CURRENCY, ensureWallet, systemAccounts, transferAll, type MoveInput } from '../ledger/index.js';
import { serviceSettlements } from '../service-requests/index.js';
import { closeCardPaymentIf, findCardPayment, findCardPaymentOf, insertCardPayment } from './card-payments.repo.js';
import { CARD_PAYMENT_TIMEOUT_MS, cardPaymentExpiryKey, cardPaymentExpiryTask } from './card-payment-expiry.task.js';
import { kashierSettings } from './deposits.service.js';
import { recordRiderDues } from './dues.service.js';
import { buildPaymentUrl } from './kashier.js';
import type { PaymentsConfig } from './payments.deps.js';
import type { CardPaymentRow } from './payments.tables.js';
import { subjectOf, subjectReference, tripSubject, type MoneySubject } from './money-subject.js';
import { recordSettlement } from './settlements.service.js';

/** A finished card job to charge: `riderId` pays (the customer), `driverId` is paid (the provider). */
export interface CardCharge {
  subject: MoneySubject;
  riderId: string;
  driverId: string;
  fare: number;
  commission: number;
}

/** What settle-trip and settle-service-request need to open a card payment at completion. */
export interface CardCheckout {
  open(tx: Tx, charge: CardCharge): Promise<CardPaymentRow>;
}

/**
 * Opens the Kashier order for a completed card trip or service request (in the completion transaction) and
 * books its 30-minute expiry with a job key, so a replay neither opens a second order nor a second timer. No
 * money moves until Kashier's webhook says the customer paid.
 */
export function createCardCheckout(deps: { jobs: JobQueue; config: PaymentsConfig }): CardCheckout {
  return {
    async open(tx, charge) {
      const existing = await findCardPaymentOf(tx, charge.subject);
      if (existing) return existing;
      const id = randomUUID();
      const paymentUrl = buildPaymentUrl(kashierSettings(deps.config), {
        orderId: id,
        amount: charge.fare,
        currency: CURRENCY,
      });
      const row = await insertCardPayment(tx, charge.subject, {
        id,
        rider_id: charge.riderId,
        driver_id: charge.driverId,
        amount: charge.fare,
        commission: charge.commission,
        payment_url: paymentUrl,
      });
      await deps.jobs.enqueue(
        tx,
        cardPaymentExpiryTask,
        { paymentId: id },
        { jobKey: cardPaymentExpiryKey(id), runAt: new Date(Date.now() + CARD_PAYMENT_TIMEOUT_MS) },
      );
      return row;
    },
  };
}

/** The trip's card payment as its rider, driver and admins see it; null for cash and wallet trips. */
export async function cardPaymentOfTrip(db: DbHandle, tripId: string) {
  return cardPaymentOf(db, tripSubject(tripId));
}

/** A trip's or service request's card payment as its parties see it; null for cash and wallet. */
export async function cardPaymentOf(db: DbHandle, subject: MoneySubject) {
  const row = await findCardPaymentOf(db, subject);
  if (!row) return null;
  return { status: row.status, paymentUrl: row.status === 'pending' ? row.payment_url : null };
}

export async function findCardOrder(db: DbHandle, orderId: string) {
  return findCardPayment(db, orderId);
}

/** The driver's share and the platform's commission of a card fare, credited from `source`. */
function fareTransfers(p: CardPaymentRow, source: number, driverWallet: number, platform: number): MoveInput[] {
  const reference = subjectReference(subjectOf(p));
  const moves: MoveInput[] = [
    {
      id: `${reference}:card_fare`,
      type: 'posted',
      debitAccountId: source,
      creditAccountId: driverWallet,
      amount: p.amount,
      kind: 'card_fare',
      reference,
    },
    {
      id: `${reference}:commission`,
      type: 'posted',
      debitAccountId: driverWallet,
      creditAccountId: platform,
      amount: p.commission,
      kind: 'commission',
      reference,
      overdraft: 'credit_limit',
    },
  ];
  return moves.filter((m) => m.amount > 0);
}

async function driverWalletOf(tx: Tx, p: CardPaymentRow, creditLimit: number) {
  return ensureWallet(tx, { ownerId: p.driver_id, kind: 'driver_wallet', creditLimit });
}

/**
 * Kashier says the rider paid: the payment leaves `pending` by compare-and-set
 * (exactly once, whatever the replays), the fare moves provider clearing →
 * driver and the commission driver → platform, and the settlement row is
 * written, all in the transaction that records the webhook's outcome.
 */
export async function settlePaidCardPayment(
  tx: Tx,
  config: Pick<PaymentsConfig, 'DRIVER_CREDIT_LIMIT'>,
  args: { payment: CardPaymentRow; transactionId: string; providerOrderId: string | null },
): Promise<'card_paid' | 'card_already_closed'> {
  const p = await closeCardPaymentIf(tx, {
    id: args.payment.id,
    to: 'paid',
    transactionId: args.transactionId,
    providerOrderId: args.providerOrderId,
  });
  if (!p) return 'card_already_closed';
  const driver = await driverWalletOf(tx, p, config.DRIVER_CREDIT_LIMIT);
  const { provider_clearing, platform_revenue } = await systemAccounts(tx);
  await transferAll(tx, fareTransfers(p, provider_clearing, driver.id, platform_revenue));
  await recordCardSettlement(tx, p, 'paid');
  return 'card_paid';
}

/** A card trip gets its settlement row now; a card request's row (written at completion) leaves `pending`. */
async function recordCardSettlement(tx: Tx, p: CardPaymentRow, outcome: 'paid' | 'payment_failed') {
  if (p.service_request_id) return serviceSettlements.closeCard(tx, p.service_request_id, outcome);
  await recordSettlement(tx, {
    trip_id: p.trip_id!,
    rider_id: p.rider_id,
    driver_id: p.driver_id,
    method: 'card',
    outcome,
    fare: p.amount,
    commission: p.commission,
    driver_share: p.amount - p.commission,
  });
}

/**
 * The 30-minute job: a payment still pending fails, and the fare becomes the
 * rider's dues — the driver is paid from the rider's IOU as if the card had
 * paid, so the driver never carries the rider's debt. A payment the webhook
 * closed first is left alone.
 */
export async function expireCardPayment(
  deps: { db: Db; config: Pick<PaymentsConfig, 'DRIVER_CREDIT_LIMIT'> },
  paymentId: string,
): Promise<'failed' | 'already_closed'> {
  return withTransaction(deps.db, async (tx) => {
    const p = await closeCardPaymentIf(tx, { id: paymentId, to: 'failed' });
    if (!p) return 'already_closed';
    const driver = await driverWalletOf(tx, p, deps.config.DRIVER_CREDIT_LIMIT);
    const { platform_revenue } = await systemAccounts(tx);
    await recordRiderDues(tx, {
      riderId: p.rider_id,
      amount: p.amount,
      reference: subjectReference(subjectOf(p)),
      creditAccount: driver.id,
    });
    const commission = fareTransfers(p, 0, driver.id, platform_revenue).filter((m) => m.kind === 'commission');
    await transferAll(tx, commission);
    await recordCardSettlement(tx, p, 'payment_failed');
    return 'failed';
  });
}
