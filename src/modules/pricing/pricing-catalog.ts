import type { DbHandle } from '../../platform/db/database.js';
import type { PricingEvent } from './event-pricing.js';
import {
  listLiveEvents,
  listTariffs,
  listTimeWindows,
  type EventRow,
  type TariffRow,
  type TimeWindowRow,
} from './pricing.repo.js';
import { VEHICLE_CLASSES, type VehicleClass } from '../../shared/index.js';
import { DEFAULT_TARIFFS, type TimeWindow, type VersionedTariff } from './tariff.js';

type TariffColumns = 'version' | 'base_fare' | 'per_km' | 'per_min' | 'min_fare' | 'commission_bps';

/** Everything a price depends on besides the route and surge, as of one read. */
export interface PricingSnapshot {
  tariffs: Readonly<Record<VehicleClass, VersionedTariff>>;
  windows: readonly TimeWindow[];
  events: readonly PricingEvent[];
}

export function tariffFromRow(row: Pick<TariffRow, TariffColumns>): VersionedTariff {
  return {
    version: row.version,
    baseFare: row.base_fare,
    perKm: row.per_km,
    perMin: row.per_min,
    minFare: row.min_fare,
    commissionBps: row.commission_bps,
  };
}

export function windowFromRow(row: TimeWindowRow): TimeWindow {
  const window: TimeWindow = { startHour: row.start_hour, endHour: row.end_hour, multiplier: Number(row.multiplier) };
  return row.days ? { ...window, days: row.days.map(Number) } : window;
}

export function eventFromRow(row: EventRow): PricingEvent {
  const area: PricingEvent['area'] =
    row.radius_m !== null
      ? { kind: 'circle', center: { lat: row.center_lat!, lng: row.center_lng! }, radiusM: row.radius_m }
      : { kind: 'bbox', minLat: row.min_lat!, minLng: row.min_lng!, maxLat: row.max_lat!, maxLng: row.max_lng! };
  return {
    id: row.id,
    name: row.name,
    area,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    multiplier: Number(row.multiplier),
  };
}

/**
 * Tariffs, time windows and events are read from Postgres on every price but
 * cached for `ttlMs`: an admin's change is live at once on the node that made
 * it (invalidate on write) and within one TTL on every other node, with no
 * restart. Concurrent misses share one load.
 */
export class PricingCatalog {
  private cached: { snapshot: PricingSnapshot; at: number } | undefined;
  private loading: Promise<PricingSnapshot> | undefined;
  private generation = 0;

  constructor(
    private readonly db: DbHandle,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async snapshot(): Promise<PricingSnapshot> {
    if (this.cached && this.now() - this.cached.at < this.ttlMs) return this.cached.snapshot;
    if (!this.loading) {
      const loading = this.load().finally(() => {
        if (this.loading === loading) this.loading = undefined;
      });
      this.loading = loading;
    }
    return this.loading;
  }

  /** Drops the cache; the next price reads Postgres. */
  invalidate(): void {
    this.generation++;
    this.cached = undefined;
    this.loading = undefined;
  }

  private async load(): Promise<PricingSnapshot> {
    const generation = this.generation;
    const at = this.now();
    const [tariffRows, windowRows, eventRows] = await Promise.all([
      listTariffs(this.db),
      listTimeWindows(this.db),
      listLiveEvents(this.db, new Date(at)),
    ]);
    const byClass = new Map(tariffRows.map((r) => [r.vehicle_class, tariffFromRow(r)]));
    // A class missing from the table keeps API.md's default rather than becoming unpriceable.
    const tariffs = Object.fromEntries(
      VEHICLE_CLASSES.map((c) => [c, byClass.get(c) ?? { ...DEFAULT_TARIFFS[c], version: null }]),
    ) as Record<VehicleClass, VersionedTariff>;
    const snapshot: PricingSnapshot = {
      tariffs,
      windows: windowRows.map(windowFromRow),
      events: eventRows.map(eventFromRow),
    };
    // A write that happened while we were reading must not be masked by this older read.
    if (generation === this.generation) this.cached = { snapshot, at };
    return snapshot;
  }
}
