import { sql } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import { newestFirstPage } from '../../platform/db/keyset.js';
import type { TripTables } from './trips.repo.js';

const q = (db: DbHandle) => db.withTables<TripTables>();

export interface TripSearch {
  /** Trips of any of these users, as rider or driver (a phone or a plate resolved by the flow). */
  userIds?: string[];
  tripId?: string;
  from?: Date;
  to?: Date;
  limit: number;
  after?: { at: string; id: string };
}

/** The console's trip search, newest first by (created_at, id) (index trips_recent, migration 0053). */
export function searchTrips(db: DbHandle, s: TripSearch) {
  let query = q(db).selectFrom('trips').selectAll();
  if (s.tripId) query = query.where('id', '=', s.tripId);
  if (s.userIds)
    query = query.where((eb) =>
      eb.or([
        eb('rider_id', '=', sql<string>`any(${s.userIds}::uuid[])`),
        eb('driver_id', '=', sql<string>`any(${s.userIds}::uuid[])`),
      ]),
    );
  if (s.from) query = query.where('created_at', '>=', s.from);
  if (s.to) query = query.where('created_at', '<', s.to);
  return newestFirstPage(query, s).execute();
}

/** One driver's trips completed and offers answered in [from, to) (the console's "today"). */
export async function driverActivityBetween(db: DbHandle, d: { driverId: string; from: Date; to: Date }) {
  const [trips, offers] = await Promise.all([
    q(db)
      .selectFrom('trips')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('driver_id', '=', d.driverId)
      .where('status', '=', 'completed')
      .where('completed_at', '>=', d.from)
      .where('completed_at', '<', d.to)
      .executeTakeFirstOrThrow(),
    q(db)
      .selectFrom('trip_offers')
      .select([
        sql<number>`count(*) FILTER (WHERE status IN ('accepted', 'declined', 'expired'))::int`.as('answered'),
        sql<number>`count(*) FILTER (WHERE status = 'accepted')::int`.as('accepted'),
      ])
      .where('driver_id', '=', d.driverId)
      .where('created_at', '>=', d.from)
      .where('created_at', '<', d.to)
      .executeTakeFirstOrThrow(),
  ]);
  return { tripsCompleted: trips.n, offersAnswered: offers.answered, offersAccepted: offers.accepted };
}
