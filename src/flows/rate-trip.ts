import type { Db } from '../platform/db/database.js';
import { withTransaction } from '../platform/db/transaction.js';
import { conflict } from '../platform/errors.js';
import type { AuthUser } from '../platform/http/route-config.js';
import { driverStanding, forgetDriverCard } from '../modules/drivers/index.js';
import type { TripRow } from '../modules/trips/index.js';
import { toRatingView, tripOfParty, tripRatings, trustBlocks } from '../modules/trust/index.js';
import { userAccounts } from '../modules/users/index.js';

/** Issue 16: each party rates the other within 7 days of completion. */
export const RATING_WINDOW_MS = 7 * 24 * 3_600_000;
/** A rating this low keeps the pair apart from then on (issue 16 point 2). */
export const BLOCKING_STARS = 2;
const RATEABLE: TripRow['status'][] = ['completed', 'payment_failed'];

export interface RatingInput {
  rater: Pick<AuthUser, 'id' | 'role'>;
  tripId: string;
  stars: number;
  comment?: string;
  tags?: string[];
}

/**
 * The rider rates the driver or the driver rates the rider, once each: the
 * (trip, rater) primary key settles any number of concurrent attempts (the
 * losers wait for the winner's commit, then find the row: 409). In the same
 * transaction the ratee's rolling aggregate is recomputed under the ratee's
 * lock and stored where it is read (users row; a driver's profile too, which
 * dispatch scores and floors with), and a 1–2 star rating blocks the pair.
 * Users, drivers and trust rows are three modules' rows, hence a flow.
 */
export async function rateTrip(deps: { db: Db }, input: RatingInput) {
  const done = await withTransaction(deps.db, async (tx) => {
    const { trip, side, other } = await tripOfParty(tx, input.tripId, input.rater.id);
    if (!RATEABLE.includes(trip.status) || !trip.completed_at || !other) throw conflict('Trip is not completed');
    if (Date.now() - trip.completed_at.getTime() > RATING_WINDOW_MS)
      throw conflict('Ratings close 7 days after the trip was completed');
    const row = await tripRatings.insert(tx, {
      trip_id: trip.id,
      rater_id: input.rater.id,
      ratee_id: other,
      rater_role: side,
      stars: input.stars,
      comment: input.comment ?? null,
      tags: [...new Set(input.tags ?? [])],
    });
    if (!row) throw conflict('You have already rated this trip');
    const aggregate = await tripRatings.aggregateFor(tx, other);
    await userAccounts.setRating(tx, other, aggregate);
    if (side === 'rider') await driverStanding.setRating(tx, other, aggregate);
    if (input.stars <= BLOCKING_STARS)
      await trustBlocks.add(tx, { blocker_id: input.rater.id, blocked_id: other, source: 'rating', trip_id: trip.id });
    return { row, rateeIsDriver: side === 'rider' };
  });
  // This node's trip views show the new rating at once (other nodes' cards expire in 10 s).
  if (done.rateeIsDriver) forgetDriverCard(done.row.ratee_id);
  return toRatingView(done.row);
}
