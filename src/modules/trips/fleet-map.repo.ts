import type { DbHandle } from '../../platform/db/database.js';
import type { OfferRow, TripRow } from './trips.repo.js';

type FleetMapTables = { trips: TripRow; trip_offers: OfferRow };
const q = (db: DbHandle) => db.withTables<FleetMapTables>();

/** A trip under way as the console map draws it: its driver and the pickup the driver heads to. */
export interface TripOnMap {
  id: string;
  driverId: string;
  status: 'accepted' | 'arrived' | 'started';
  pickup: { lat: number; lng: number };
}

/** Every trip with a driver that is not over (migration 0040's partial index keeps it an index scan). */
export async function tripsUnderWay(db: DbHandle): Promise<TripOnMap[]> {
  const rows = await q(db)
    .selectFrom('trips')
    .select(['id', 'driver_id', 'status', 'pickup_lat', 'pickup_lng'])
    .where('status', 'in', ['accepted', 'arrived', 'started'])
    .execute();
  return rows.flatMap((r) =>
    r.driver_id
      ? [
          {
            id: r.id,
            driverId: r.driver_id,
            status: r.status as TripOnMap['status'],
            pickup: { lat: r.pickup_lat, lng: r.pickup_lng },
          },
        ]
      : [],
  );
}

/** Drivers holding an unexpired pending offer (the map shows them as "offered"). */
export async function offeredDrivers(db: DbHandle): Promise<Set<string>> {
  const rows = await q(db)
    .selectFrom('trip_offers')
    .select('driver_id')
    .distinct()
    .where('status', '=', 'pending')
    .where('expires_at', '>', new Date())
    .execute();
  return new Set(rows.map((r) => r.driver_id));
}
