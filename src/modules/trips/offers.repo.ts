import { sql } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { OfferRow, TripRow, TripTables } from './trips.repo.js';

/**
 * Offer queries (a round's offers, bids, answers, withdrawals) and the trip
 * queries dispatch needs (the round's lock, repeat riders). Kept apart from
 * trips.repo.ts so the lifecycle core stays small; both narrow the same tables.
 */
type DispatchTripTables = {
  trips: TripRow;
  trip_offers: OfferRow;
};

const q = (db: DbHandle) => db.withTables<DispatchTripTables>();
/** With the tables' generated columns, for inserts and updates that leave them to Postgres. */
const insertable = (db: DbHandle) => db.withTables<TripTables>();

/**
 * The trip row, locked until the transaction ends: the one mutex a dispatch
 * round takes. NO KEY UPDATE, like the status UPDATE it precedes: it excludes
 * other writers of the trip but not inserts that merely reference it (offers,
 * events), whose foreign-key checks only take KEY SHARE.
 */
export async function lockTrip(tx: DbHandle, id: string): Promise<TripRow | undefined> {
  return q(tx).selectFrom('trips').selectAll().where('id', '=', id).forNoKeyUpdate().executeTakeFirst();
}

/** Expires the still-pending offers of a trip's earlier rounds (before `round`); returns their drivers. */
export async function expireEarlierRounds(tx: DbHandle, tripId: string, round: number): Promise<string[]> {
  const rows = await q(tx)
    .updateTable('trip_offers')
    .set({ status: 'expired', responded_at: sql<Date>`now()` })
    .where('trip_id', '=', tripId)
    .where('status', '=', 'pending')
    .where('round', '<', round)
    .returning('driver_id')
    .execute();
  return rows.map((r) => r.driver_id);
}

/** Expires the pending offers of a trip that carry no bid; returns their drivers. */
export async function expireUnbidOffers(tx: DbHandle, tripId: string): Promise<string[]> {
  const rows = await q(tx)
    .updateTable('trip_offers')
    .set({ status: 'expired', responded_at: sql<Date>`now()` })
    .where('trip_id', '=', tripId)
    .where('status', '=', 'pending')
    .where('bid_amount', 'is', null)
    .returning('driver_id')
    .execute();
  return rows.map((r) => r.driver_id);
}

/** Keeps the bids of a trip open until `until` (the rider's selection window). */
export async function extendBids(tx: DbHandle, tripId: string, until: Date): Promise<number> {
  const rows = await q(tx)
    .updateTable('trip_offers')
    .set({ expires_at: until })
    .where('trip_id', '=', tripId)
    .where('status', '=', 'pending')
    .where('bid_amount', 'is not', null)
    .returning('driver_id')
    .execute();
  return rows.length;
}

/** Records a driver's bid on a pending, unexpired offer that has none yet (compare-and-set). */
export async function placeBid(
  tx: DbHandle,
  args: { tripId: string; driverId: string; amount: number },
): Promise<OfferRow | undefined> {
  return q(tx)
    .updateTable('trip_offers')
    .set({ bid_amount: args.amount })
    .where('trip_id', '=', args.tripId)
    .where('driver_id', '=', args.driverId)
    .where('status', '=', 'pending')
    .where('bid_amount', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returningAll()
    .executeTakeFirst();
}

/** Bids the rider can still pick, cheapest first. */
export async function listLiveBids(db: DbHandle, tripId: string): Promise<OfferRow[]> {
  return q(db)
    .selectFrom('trip_offers')
    .selectAll()
    .where('trip_id', '=', tripId)
    .where('status', '=', 'pending')
    .where('bid_amount', 'is not', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .orderBy('bid_amount')
    .orderBy('created_at')
    .execute();
}

/** Bids still pending on a trip, including ones whose collection window just closed. */
export async function countPendingBids(db: DbHandle, tripId: string): Promise<number> {
  const row = await q(db)
    .selectFrom('trip_offers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('trip_id', '=', tripId)
    .where('status', '=', 'pending')
    .where('bid_amount', 'is not', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Drivers (of those given) holding an open offer on any trip. */
export async function driversWithOpenOffers(db: DbHandle, driverIds: string[]): Promise<Set<string>> {
  if (driverIds.length === 0) return new Set();
  const rows = await q(db)
    .selectFrom('trip_offers')
    .select('driver_id')
    .distinct()
    .where('driver_id', 'in', driverIds)
    .where('status', '=', 'pending')
    .where('expires_at', '>', sql<Date>`now()`)
    .execute();
  return new Set(rows.map((r) => r.driver_id));
}

/** Drivers (of those given) who have completed a trip for this rider before. */
export async function driversWhoServedRider(db: DbHandle, riderId: string, driverIds: string[]): Promise<Set<string>> {
  if (driverIds.length === 0) return new Set();
  const rows = await q(db)
    .selectFrom('trips')
    .select('driver_id')
    .distinct()
    .where('rider_id', '=', riderId)
    .where('status', '=', 'completed')
    .where('driver_id', 'in', driverIds)
    .execute();
  return new Set(rows.flatMap((r) => (r.driver_id ? [r.driver_id] : [])));
}

/** A driver's pending, unexpired offers with what the offer card shows, soonest to expire first. */
export async function pendingOffersOfDriver(db: DbHandle, driverId: string) {
  return q(db)
    .selectFrom('trip_offers as o')
    .innerJoin('trips as t', 't.id', 'o.trip_id')
    .select([
      'o.trip_id',
      'o.round',
      'o.expires_at',
      'o.distance_to_pickup_m',
      't.pickup_lat',
      't.pickup_lng',
      't.pickup_address',
      't.dropoff_lat',
      't.dropoff_lng',
      't.dropoff_address',
      't.fare_amount',
      't.fare_currency',
      't.quoted_distance_m',
      't.quoted_duration_s',
      't.strategy',
    ])
    .where('o.driver_id', '=', driverId)
    .where('o.status', '=', 'pending')
    .where('o.expires_at', '>', sql<Date>`now()`)
    .orderBy('o.expires_at')
    .execute();
}

/** The offers of one round (the offer push job reads who to push and each driver's distance). */
export async function offersOfRound(db: DbHandle, tripId: string, round: number): Promise<OfferRow[]> {
  return q(db)
    .selectFrom('trip_offers')
    .selectAll()
    .where('trip_id', '=', tripId)
    .where('round', '=', round)
    .where('status', '=', 'pending')
    .execute();
}

/** `trip:offer_seen`: the first acknowledgement of the caller's own offer counts; true when it matched one. */
export async function markOfferSeen(db: DbHandle, tripId: string, driverId: string): Promise<boolean> {
  const row = await q(db)
    .updateTable('trip_offers')
    .set({ seen_at: sql<Date>`coalesce(seen_at, now())` })
    .where('trip_id', '=', tripId)
    .where('driver_id', '=', driverId)
    .returning('trip_id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertOffers(
  db: DbHandle,
  offers: Array<
    Pick<OfferRow, 'trip_id' | 'driver_id' | 'round' | 'expires_at' | 'distance_to_pickup_m'> & {
      score?: number | null;
    }
  >,
) {
  if (offers.length === 0) return [];
  return insertable(db)
    .insertInto('trip_offers')
    .values(offers)
    .onConflict((oc) => oc.columns(['trip_id', 'driver_id']).doNothing())
    .returningAll()
    .execute();
}

export async function findOffer(db: DbHandle, tripId: string, driverId: string) {
  return insertable(db)
    .selectFrom('trip_offers')
    .selectAll()
    .where('trip_id', '=', tripId)
    .where('driver_id', '=', driverId)
    .executeTakeFirst();
}

export async function listOffers(db: DbHandle, tripId: string) {
  return insertable(db).selectFrom('trip_offers').selectAll().where('trip_id', '=', tripId).execute();
}

/** Answers a pending, unexpired offer (compare-and-set); undefined if it was not pending. */
export async function respondToOffer(
  db: DbHandle,
  args: { tripId: string; driverId: string; to: 'accepted' | 'declined'; bidAmount?: number },
) {
  return insertable(db)
    .updateTable('trip_offers')
    .set({ status: args.to, responded_at: sql<Date>`now()`, ...(args.bidAmount ? { bid_amount: args.bidAmount } : {}) })
    .where('trip_id', '=', args.tripId)
    .where('driver_id', '=', args.driverId)
    .where('status', '=', 'pending')
    .where('expires_at', '>', sql<Date>`now()`)
    .returningAll()
    .executeTakeFirst();
}

/** Closes every still-pending offer of a trip; returns the drivers who must be told. */
export async function closePendingOffers(db: DbHandle, tripId: string, to: 'withdrawn' | 'expired') {
  const rows = await insertable(db)
    .updateTable('trip_offers')
    .set({ status: to, responded_at: sql<Date>`now()` })
    .where('trip_id', '=', tripId)
    .where('status', '=', 'pending')
    .returning('driver_id')
    .execute();
  return rows.map((r) => r.driver_id);
}

/** Withdraws a driver's pending offers (going offline); returns the trips affected. */
export async function withdrawDriverOffers(db: DbHandle, driverId: string) {
  const rows = await insertable(db)
    .updateTable('trip_offers')
    .set({ status: 'withdrawn', responded_at: sql<Date>`now()` })
    .where('driver_id', '=', driverId)
    .where('status', '=', 'pending')
    .returning('trip_id')
    .execute();
  return rows.map((r) => r.trip_id);
}
