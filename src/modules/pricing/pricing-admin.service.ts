import type { Db } from '../../platform/db/database.js';
import { withTransaction } from '../../platform/db/transaction.js';
import { notFound } from '../../platform/errors.js';
import { decodeCursor, pageOf } from '../../platform/http/cursor.js';
import type { PricingCatalog } from './pricing-catalog.js';
import {
  deleteEvent,
  insertEvent,
  listEventsPage,
  listLiveEvents,
  listTariffs,
  listTimeWindows,
  replaceTimeWindows,
  updateEvent,
  updateTariff,
  type EventFields,
  type EventRow,
  type TariffRow,
  type TimeWindowRow,
} from './pricing.repo.js';
import type { EventInput } from './pricing.schema.js';
import type { VehicleClass } from '../../shared/index.js';

// numeric(4,2) columns: store what the admin sees back.
const twoDecimals = (x: number) => Math.round(x * 100) / 100;

export function toTariffView(row: TariffRow) {
  return {
    vehicleClass: row.vehicle_class,
    baseFare: row.base_fare,
    perKm: row.per_km,
    perMin: row.per_min,
    minFare: row.min_fare,
    commissionBps: row.commission_bps,
    currency: 'EGP' as const,
    updatedAt: row.updated_at.toISOString(),
  };
}

export function toWindowView(row: TimeWindowRow) {
  return {
    id: row.id,
    days: row.days ? row.days.map(Number) : null,
    startHour: row.start_hour,
    endHour: row.end_hour,
    multiplier: Number(row.multiplier),
    description: row.description,
  };
}

export function toEventView(row: EventRow) {
  const area =
    row.radius_m !== null
      ? { center: { lat: row.center_lat!, lng: row.center_lng! }, radiusM: row.radius_m }
      : { bbox: { minLat: row.min_lat!, minLng: row.min_lng!, maxLat: row.max_lat!, maxLng: row.max_lng! } };
  return {
    id: row.id,
    name: row.name,
    area,
    startsAt: row.starts_at.toISOString(),
    endsAt: row.ends_at.toISOString(),
    multiplier: Number(row.multiplier),
    createdAt: row.created_at.toISOString(),
  };
}

function eventFields(input: EventInput): EventFields {
  const none = {
    center_lat: null,
    center_lng: null,
    radius_m: null,
    min_lat: null,
    min_lng: null,
    max_lat: null,
    max_lng: null,
  };
  const area =
    'center' in input.area
      ? { ...none, center_lat: input.area.center.lat, center_lng: input.area.center.lng, radius_m: input.area.radiusM }
      : {
          ...none,
          min_lat: input.area.bbox.minLat,
          min_lng: input.area.bbox.minLng,
          max_lat: input.area.bbox.maxLat,
          max_lng: input.area.bbox.maxLng,
        };
  return {
    name: input.name,
    ...area,
    starts_at: new Date(input.startsAt),
    ends_at: new Date(input.endsAt),
    multiplier: twoDecimals(input.multiplier),
  };
}

/**
 * Admin changes to pricing data. Every write invalidates this node's price
 * cache; other nodes pick it up within PRICING_CACHE_TTL_MS.
 */
export class PricingAdmin {
  constructor(
    private readonly db: Db,
    private readonly catalog: PricingCatalog,
  ) {}

  async config() {
    const [tariffs, windows, events] = await Promise.all([
      listTariffs(this.db),
      listTimeWindows(this.db),
      listLiveEvents(this.db, new Date()),
    ]);
    return {
      tariffs: tariffs.map(toTariffView),
      timeWindows: windows.map(toWindowView),
      events: events.map(toEventView),
    };
  }

  async setTariff(
    adminId: string,
    vehicleClass: VehicleClass,
    input: { baseFare: number; perKm: number; perMin: number; minFare: number; commissionBps: number },
  ) {
    const row = await updateTariff(this.db, { vehicleClass, ...input, adminId });
    this.catalog.invalidate();
    return toTariffView(row);
  }

  async setTimeWindows(
    windows: Array<{ days?: number[]; startHour: number; endHour: number; multiplier: number; description?: string }>,
  ) {
    const rows = await withTransaction(this.db, (tx) =>
      replaceTimeWindows(
        tx,
        windows.map((w) => ({
          days: w.days ? [...new Set(w.days)].sort((a, b) => a - b) : null,
          startHour: w.startHour,
          endHour: w.endHour,
          multiplier: twoDecimals(w.multiplier),
          description: w.description ?? null,
        })),
      ),
    );
    this.catalog.invalidate();
    return { windows: rows.map(toWindowView) };
  }

  async listEvents(query: { limit: number; cursor?: string }) {
    const rows = await listEventsPage(this.db, { limit: query.limit, after: decodeCursor(query.cursor) });
    const { page, nextCursor } = pageOf(rows, query.limit);
    return { items: page.map(toEventView), nextCursor };
  }

  async createEvent(adminId: string, input: EventInput) {
    const row = await insertEvent(this.db, eventFields(input), adminId);
    this.catalog.invalidate();
    return toEventView(row);
  }

  async replaceEvent(id: string, input: EventInput) {
    const row = await updateEvent(this.db, id, eventFields(input));
    if (!row) throw notFound('Pricing event');
    this.catalog.invalidate();
    return toEventView(row);
  }

  async removeEvent(id: string) {
    if (!(await deleteEvent(this.db, id))) throw notFound('Pricing event');
    this.catalog.invalidate();
  }
}
