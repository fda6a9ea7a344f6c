import type { Db } from '../platform/db/database.js';
import { withTransaction } from '../platform/db/transaction.js';
import { AppError, ErrorCode, conflict, notFound } from '../platform/errors.js';
import { serviceRecords, serviceSettlements } from '../modules/service-requests/index.js';
import { serviceSubject, tipDriver, toTipView, type CardTipCheckout } from '../modules/payments/index.js';
import { TIP_WINDOW_MS } from './tip-trip.js';

export interface TipServiceInput {
  customerId: string;
  requestId: string;
  amount: number;
  now?: Date;
}

export interface TipServiceDeps {
  db: Db;
  /** Opens the Kashier order of a card request's tip, as for card trips. */
  cardTips: CardTipCheckout;
}

/**
 * Issue 18 #6: the customer of a completed service request tips its provider (100 %), once, within the trips'
 * window: from the wallet, or for a card request through a Kashier order the webhook settles. The request's row
 * lock orders concurrent tips; the tip row's unique key keeps it to one (the rest get 409). Someone else's
 * request is 404, as if it did not exist. The tip is at most the invoice total, as a trip's is at most its fare.
 */
export async function tipServiceRequest(deps: TipServiceDeps, input: TipServiceInput) {
  const now = input.now ?? new Date();
  return withTransaction(deps.db, async (tx) => {
    const row = await serviceRecords.lock(tx, input.requestId);
    if (!row || row.customer_id !== input.customerId) throw notFound('Service request');
    if (row.status !== 'completed' || !row.provider_id)
      throw conflict(`A service request that is ${row.status} cannot be tipped`);
    if (now.getTime() - row.status_changed_at.getTime() > TIP_WINDOW_MS)
      throw conflict('Tips are accepted within 24 hours of completion', {
        completedAt: row.status_changed_at.toISOString(),
      });
    const total = (await serviceSettlements.find(tx, row.id))?.total ?? 0;
    if (input.amount > total)
      throw new AppError(ErrorCode.VALIDATION_ERROR, 'A tip cannot be more than the invoice', [
        { field: 'body.amount', message: `at most ${total} piastres (the invoice total)` },
      ]);
    const tip = { subject: serviceSubject(row.id), riderId: row.customer_id, driverId: row.provider_id };
    const full = { ...tip, amount: input.amount };
    const tipRow = row.payment_method === 'card' ? await deps.cardTips.open(tx, full) : await tipDriver(tx, full);
    return toTipView(tipRow);
  });
}
