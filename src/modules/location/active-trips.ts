import type { Db } from '../../platform/db/database.js';
import type { DomainEventMap } from '../../platform/events/event-map.js';
import type { HotState } from '../../platform/hotstate/index.js';
import type { Logger } from '../../platform/observability/logger.js';
import { type TripRow, tripRecords } from '../trips/index.js';
import type { BatchLoader, LookupGate } from '../../platform/db/lookup-gate.js';

/** The trip a driver is on (the partial unique index allows one): its points go to the route and the trip room. */
export interface ActiveTrip {
  tripId: string;
  riderId: string;
  status: 'accepted' | 'arrived' | 'started';
  version: number;
  pickup: { lat: number; lng: number };
  dropoff: { lat: number; lng: number };
}

const ACTIVE: ReadonlyArray<ActiveTrip['status']> = ['started', 'arrived', 'accepted'];
/** A cached answer is re-checked against Postgres after this long (events normally keep it exact). */
const CACHE_TTL_MS = 10 * 60_000;
const NONE = 'none';
const cacheKey = (driverId: string) => `loc:active-trip:${driverId}`;

const isActive = (status: string): status is ActiveTrip['status'] => (ACTIVE as readonly string[]).includes(status);

/**
 * Driver → active trip, cached in hot state so every node sees what the node
 * that handled a trip event wrote. Trip events overwrite; a look-up only
 * fills an empty slot, so a look-up that raced an accept never hides the trip.
 */
export class ActiveTrips {
  /** Cache misses of many drivers at once (a fleet reconnecting) share one query. */
  private readonly lookups: BatchLoader<ActiveTrip>;

  constructor(private readonly deps: { db: Db; hotState: HotState; log: Logger; gate: LookupGate }) {
    this.lookups = deps.gate.loader('active trips', async (driverIds) => {
      const rows = await tripRecords.activeOfDrivers(deps.db, driverIds);
      return new Map(
        rows.flatMap((r) =>
          r.driver_id && isActive(r.status) ? [[r.driver_id, toActiveTrip(r, r.status)] as const] : [],
        ),
      );
    });
  }

  async forDriver(driverId: string): Promise<ActiveTrip | null> {
    const cached = await this.deps.hotState.getValue(cacheKey(driverId));
    if (cached === NONE) return null;
    if (cached) return JSON.parse(cached) as ActiveTrip;
    let trip: ActiveTrip | null;
    try {
      trip = (await this.lookups.load(driverId)) ?? null;
    } catch {
      return null; // Postgres is sick (logged by the loader): this fix goes without its trip; the next one asks again
    }
    await this.deps.hotState.setIfAbsent(cacheKey(driverId), trip ? JSON.stringify(trip) : NONE, CACHE_TTL_MS);
    return trip;
  }

  /** Bus `trip.status_changed` on the node that made the change. */
  async onStatusChanged(p: DomainEventMap['trip.status_changed']): Promise<void> {
    if (!p.driverId) return;
    const key = cacheKey(p.driverId);
    if (!isActive(p.to)) {
      await this.deps.hotState.setValue(key, NONE, CACHE_TTL_MS);
      return;
    }
    const current = await this.deps.hotState.getValue(key);
    if (current && current !== NONE) {
      const known = JSON.parse(current) as ActiveTrip;
      if (known.tripId === p.tripId && known.version >= p.version) return; // an older event finished late
    }
    // "No trip" is now wrong: drop it before reading the row, so a fix arriving
    // meanwhile asks Postgres (which has the trip) instead of trusting it.
    if (current === NONE) await this.deps.hotState.deleteValue(key);
    const row = await tripRecords.find(this.deps.db, p.tripId);
    if (!row) return;
    await this.deps.hotState.setValue(key, JSON.stringify(toActiveTrip(row, p.to, p.version)), CACHE_TTL_MS);
  }
}

/** `status` and `version` from the event that announced the trip when there is one (the row may already be newer). */
function toActiveTrip(row: TripRow, status: ActiveTrip['status'], version = row.version): ActiveTrip {
  return {
    tripId: row.id,
    riderId: row.rider_id,
    status,
    version,
    pickup: { lat: row.pickup_lat, lng: row.pickup_lng },
    dropoff: { lat: row.dropoff_lat, lng: row.dropoff_lng },
  };
}
