import type { Db } from '../platform/db/database.js';
import { withTransaction } from '../platform/db/transaction.js';
import { AppError, ErrorCode, conflict, notFound } from '../platform/errors.js';
import { tripRecords, type TripStatus } from '../modules/trips/index.js';
import { tipDriver, toTipView, tripSubject, type CardTipCheckout } from '../modules/payments/index.js';

/** API.md: a rider may tip within 24 h of the trip's completion. */
export const TIP_WINDOW_MS = 24 * 60 * 60_000;
/** Finished rides: `payment_failed` is a completed ride whose fare was collected in cash. */
const TIPPABLE: TripStatus[] = ['completed', 'payment_failed'];

export interface TipTripInput {
  riderId: string;
  tripId: string;
  amount: number;
  now?: Date;
}

export interface TipTripDeps {
  db: Db;
  /** Opens the Kashier order of a card trip's tip. */
  cardTips: CardTipCheckout;
}

/**
 * The rider of a finished trip tips its driver, once: from the wallet, or for
 * a card trip through a Kashier order the webhook settles later. The
 * trip's row lock orders concurrent tips; the tip row's key keeps it to one
 * (the rest get 409). Someone else's trip is 404, as if it did not exist.
 */
export async function tipTrip(deps: TipTripDeps, input: TipTripInput) {
  const now = input.now ?? new Date();
  return withTransaction(deps.db, async (tx) => {
    const trip = await tripRecords.lock(tx, input.tripId);
    if (!trip || trip.rider_id !== input.riderId) throw notFound('Trip');
    if (!TIPPABLE.includes(trip.status) || !trip.completed_at || !trip.driver_id)
      throw conflict(`A trip that is ${trip.status} cannot be tipped`);
    if (now.getTime() - trip.completed_at.getTime() > TIP_WINDOW_MS)
      throw conflict('Tips are accepted within 24 hours of the trip', { completedAt: trip.completed_at.toISOString() });
    if (input.amount > trip.fare_amount)
      throw new AppError(ErrorCode.VALIDATION_ERROR, 'A tip cannot be more than the fare', [
        { field: 'body.amount', message: `at most ${trip.fare_amount} piastres (the fare)` },
      ]);
    const tip = {
      subject: tripSubject(trip.id),
      riderId: trip.rider_id,
      driverId: trip.driver_id,
      amount: input.amount,
    };
    const row = trip.payment_method === 'card' ? await deps.cardTips.open(tx, tip) : await tipDriver(tx, tip);
    return toTipView(row);
  });
}
