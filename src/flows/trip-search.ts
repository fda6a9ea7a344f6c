import type { Db } from '../platform/db/database.js';
import { decodeCursor, pageOf } from '../platform/http/cursor.js';
import { driverProfiles } from '../modules/drivers/index.js';
import { tripReports } from '../modules/trips/index.js';
import { normalizePhone, userAccounts } from '../modules/users/index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TripSearchInput {
  /** A trip id, a rider's or driver's phone, or a vehicle plate. */
  q?: string;
  from?: Date;
  to?: Date;
  limit: number;
  cursor?: string;
}

/** What `q` names: a trip, the trips of some users (phone → the user, plate → its drivers), or nothing found. */
async function resolveQuery(db: Db, q: string | undefined): Promise<{ tripId?: string; userIds?: string[] }> {
  if (!q) return {};
  if (UUID.test(q)) return { tripId: q.toLowerCase() };
  const phone = normalizePhone(q);
  if (phone) {
    const user = await userAccounts.findByPhone(db, phone);
    return { userIds: user ? [user.id] : [] };
  }
  return { userIds: await driverProfiles.idsByPlate(db, q) };
}

/**
 * Issue 19.4: the console finds trips by id, phone, plate or time window, newest first, a cursor for the next page.
 * Phones and plates are resolved through their modules first, then one keyset query over trips.
 */
export async function searchTrips(db: Db, input: TripSearchInput) {
  const target = await resolveQuery(db, input.q);
  if (target.userIds?.length === 0) return { items: [], nextCursor: null };
  const rows = await tripReports.search(db, {
    ...target,
    from: input.from,
    to: input.to,
    limit: input.limit,
    after: decodeCursor(input.cursor),
  });
  const { page, nextCursor } = pageOf(rows, input.limit);
  const items = page.map((t) => ({
    id: t.id,
    status: t.status,
    riderId: t.rider_id,
    driverId: t.driver_id,
    vehicleClass: t.vehicle_class,
    pickup: { lat: t.pickup_lat, lng: t.pickup_lng },
    dropoff: { lat: t.dropoff_lat, lng: t.dropoff_lng },
    createdAt: t.created_at.toISOString(),
    completedAt: t.completed_at?.toISOString() ?? null,
  }));
  return { items, nextCursor };
}
