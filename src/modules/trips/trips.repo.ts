import { sql, type CompiledQuery, type Generated, type Insertable, type Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import { EXACT_CREATED_AT_SQL } from '../../platform/http/cursor.js';
import { beginTripWrite } from './trip-row-cache.js';

export type TripStatus =
  | 'requested'
  | 'scheduled'
  | 'searching'
  | 'accepted'
  | 'arrived'
  | 'started'
  | 'completed'
  | 'cancelled'
  | 'no_drivers'
  | 'payment_failed';
export type OfferStatus = 'pending' | 'accepted' | 'declined' | 'expired' | 'withdrawn';

interface TripsTable {
  id: Generated<string>;
  rider_id: string;
  driver_id: string | null;
  status: TripStatus;
  vehicle_class: string;
  pickup_lat: number;
  pickup_lng: number;
  pickup_address: string | null;
  dropoff_lat: number;
  dropoff_lng: number;
  dropoff_address: string | null;
  payment_method: 'cash' | 'wallet' | 'card';
  strategy: 'first_accept' | 'broadcast_bid' | 'sequential' | 'scheduled';
  fare_amount: number;
  fare_currency: Generated<string>;
  surge: number;
  /** Tariff commission (basis points) in force when the trip was priced; null before migration 0014. */
  commission_bps: number | null;
  quote_id: string | null;
  /** Migration 0017: the tariff version priced with and the upfront price's figures (null on older trips). */
  tariff_version: number | null;
  quoted_fare: number | null;
  quoted_distance_m: number | null;
  quoted_duration_s: number | null;
  time_multiplier: number | null;
  /** [{code, amount}] summing to fare_amount. */
  fare_items: unknown;
  /** Migration 0071: the quote's lines as the rider accepted them (fare_items may be re-priced). */
  quoted_items: Generated<unknown>;
  route_change: 'destination_changed' | 'stop_added' | null;
  /** Migration 0027: [{lat, lng, address?, arrivedAt?, leftAt?}] between pickup and dropoff, in order. */
  stops: Generated<unknown>;
  /** Why fare_amount differs from quoted_fare; null while the quote stands. */
  fare_reason: 'destination_changed' | 'stop_added' | 'distance_exceeded' | 'duration_exceeded' | null;
  scheduled_at: Date | null;
  otp: string;
  version: Generated<number>;
  cancellation: unknown;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  accepted_at: Date | null;
  started_at: Date | null;
  completed_at: Date | null;
  /** Scheduled trips: when the reserving driver confirmed (migration 0023). */
  confirmed_at: Generated<Date | null>;
  /** Scheduled trips: the end of the driver's hold; with scheduled_at, the range that may not overlap. */
  hold_ends_at: Generated<Date | null>;
  /** Times the trip went back to searching after a driver dropped it. */
  reassignments: Generated<number>;
}

export type TripRow = Selectable<TripsTable>;

interface OffersTable {
  trip_id: string;
  driver_id: string;
  round: number;
  status: Generated<OfferStatus>;
  bid_amount: number | null;
  expires_at: Date;
  created_at: Generated<Date>;
  responded_at: Date | null;
  /** The driver's distance to pickup when offered (migration 0028); null on older offers. */
  distance_to_pickup_m: Generated<number | null>;
  /** When the driver app acknowledged the socket offer (`trip:offer_seen`). */
  seen_at: Generated<Date | null>;
  /** Migration 0071: the dispatch score the round ranked the driver with; null when ranked by distance. */
  score: Generated<number | null>;
}

export type OfferRow = Selectable<OffersTable>;

export type TripTables = { trips: TripsTable; trip_offers: OffersTable };

export type NewTrip = Omit<
  Insertable<TripsTable>,
  | 'id'
  | 'driver_id'
  | 'version'
  | 'cancellation'
  | 'created_at'
  | 'updated_at'
  | 'accepted_at'
  | 'started_at'
  | 'completed_at'
  | 'fare_currency'
  | 'confirmed_at'
  | 'hold_ends_at'
  | 'reassignments'
>;

const q = (db: DbHandle) => db.withTables<TripTables>();

/** The INSERT … RETURNING * of a new trip, for the caller to run with its event (`EventRecorder.recordWith`). */
export function insertTrip(db: DbHandle, trip: NewTrip & { id: string }) {
  return q(db).insertInto('trips').values(trip).returningAll();
}

/**
 * Compiled once: GET /trips/:id runs this on every poll, and building and compiling the same SELECT each time was
 * ~4 % of the GET's CPU (bench:api profile). The SQL depends only on the dialect, the same for every handle.
 */
let findTripQuery: CompiledQuery<TripRow> | undefined;

export async function findTrip(db: DbHandle, id: string): Promise<TripRow | undefined> {
  findTripQuery ??= q(db).selectFrom('trips').selectAll().where('id', '=', '').compile();
  const { rows } = await db.executeQuery<TripRow>({ ...findTripQuery, parameters: [id] });
  return rows[0];
}

/** How many trips are in these statuses (reconciliation: every finished trip has its settlement). */
export async function countTripsInStatus(db: DbHandle, statuses: TripStatus[]): Promise<number> {
  const row = await q(db)
    .selectFrom('trips')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', 'in', statuses)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The trip each of these drivers is on, if any (one query for many: the partial unique index allows one per driver).
 */
export async function findDriversActiveTrips(db: DbHandle, driverIds: string[]): Promise<TripRow[]> {
  if (driverIds.length === 0) return [];
  return q(db)
    .selectFrom('trips')
    .selectAll()
    .where('driver_id', 'in', driverIds)
    .where('status', 'in', ['accepted', 'arrived', 'started'])
    .execute();
}

/**
 * The trip a user is on now: a rider's active trip (one at most, partial unique index), a driver's accepted,
 * arrived or started one (one at most). A driver's reserved scheduled trips are upcoming, not current.
 */
export async function findCurrentTrip(db: DbHandle, user: { id: string; role: string }): Promise<TripRow | undefined> {
  const column = user.role === 'driver' ? 'driver_id' : 'rider_id';
  const statuses: TripStatus[] =
    user.role === 'driver'
      ? ['accepted', 'arrived', 'started']
      : ['requested', 'scheduled', 'searching', 'accepted', 'arrived', 'started'];
  return q(db)
    .selectFrom('trips')
    .selectAll()
    .where(column, '=', user.id)
    .where('status', 'in', statuses)
    .executeTakeFirst();
}

/**
 * The one way a trip changes: only from an expected status (and version when
 * given), bumping version. Returns undefined when another writer got there first.
 */
export async function compareAndSetTrip(
  db: DbHandle,
  args: { id: string; from: TripStatus[]; version?: number; set: Partial<Omit<TripRow, 'id' | 'version'>> },
): Promise<TripRow | undefined> {
  let query = q(db)
    .updateTable('trips')
    .set({ ...args.set, version: sql<number>`version + 1`, updated_at: sql<Date>`now()` } as never)
    .where('id', '=', args.id)
    .where('status', 'in', args.from);
  if (args.version !== undefined) query = query.where('version', '=', args.version);
  const written = beginTripWrite(db, args.id);
  try {
    return await query.returningAll().executeTakeFirst();
  } finally {
    written();
  }
}

export interface TripPage {
  userId: string;
  role: 'rider' | 'driver' | 'admin';
  status?: TripStatus;
  limit: number;
  /** From decodeCursor: `at` is the exact (microsecond) created_at text of the previous page's last row. */
  after?: { at: string; id: string };
}

/** Keyset pagination, newest first; fetches one extra row to know if more exist. */
/** Marks a cancelled trip's fee as waived (an admin's decision), so the trip no longer shows it as due. */
export async function markCancellationFeeWaived(db: DbHandle, tripId: string): Promise<boolean> {
  const query = q(db)
    .updateTable('trips')
    .set({
      cancellation: sql`jsonb_set(cancellation, '{fee,waived}', 'true'::jsonb)`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', tripId)
    .where('status', '=', 'cancelled')
    .where(sql<boolean>`jsonb_typeof(cancellation->'fee') = 'object'`);
  const written = beginTripWrite(db, tripId);
  try {
    return (await query.executeTakeFirst()).numUpdatedRows > 0n;
  } finally {
    written();
  }
}

export async function listTrips(db: DbHandle, page: TripPage): Promise<Array<TripRow & { created_at_exact: string }>> {
  let query = q(db)
    .selectFrom('trips')
    .selectAll()
    .select(sql.raw<string>(EXACT_CREATED_AT_SQL).as('created_at_exact'))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  if (page.role === 'rider') query = query.where('rider_id', '=', page.userId);
  if (page.role === 'driver') query = query.where('driver_id', '=', page.userId);
  if (page.status) query = query.where('status', '=', page.status);
  if (page.after) {
    const createdAt = sql<Date>`${page.after.at}::timestamptz`;
    const id = page.after.id;
    query = query.where((eb) =>
      eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]),
    );
  }
  return query.execute();
}

/** Trips per status among `statuses` (the active ones: a small, indexed subset, cheap on every scrape). */
export async function countTripsByStatus(
  db: DbHandle,
  statuses: TripStatus[],
): Promise<Array<{ status: TripStatus; n: number }>> {
  const rows = await q(db)
    .selectFrom('trips')
    .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
    .where('status', 'in', statuses)
    .groupBy('status')
    .execute();
  return rows.map((r) => ({ status: r.status, n: Number(r.n) }));
}
