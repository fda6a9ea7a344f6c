import type { Db } from '../../platform/db/database.js';
import { withTransaction } from '../../platform/db/transaction.js';
import { AppError, ErrorCode, notFound } from '../../platform/errors.js';
import { decodeCursor, pageOf } from '../../platform/http/cursor.js';
import type { PricingCatalog } from './pricing-catalog.js';
import {
  deleteEvent,
  insertEvent,
  insertTariffVersion,
  listEventsPage,
  listLiveEvents,
  listTariffs,
  listTariffVersions,
  listTimeWindows,
  lockTariff,
  replaceTimeWindows,
  updateEvent,
  type EventFields,
  type EventRow,
  type TariffFigures,
  type TariffRow,
  type TariffVersionRow,
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
    version: row.version,
    currency: 'EGP' as const,
    updatedAt: row.updated_at.toISOString(),
  };
}

export function toTariffVersionView(row: TariffVersionRow) {
  return {
    vehicleClass: row.vehicle_class,
    version: row.version,
    baseFare: row.base_fare,
    perKm: row.per_km,
    perMin: row.per_min,
    minFare: row.min_fare,
    commissionBps: row.commission_bps,
    currency: 'EGP' as const,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
  };
}

const sameFigures = (row: TariffRow, input: TariffFigures) =>
  row.base_fare === input.baseFare &&
  row.per_km === input.perKm &&
  row.per_min === input.perMin &&
  row.min_fare === input.minFare &&
  row.commission_bps === input.commissionBps;

/** A versions-page cursor is the last version shown. */
function decodeVersionCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  if (!/^\d{1,9}$/.test(cursor))
    throw new AppError(ErrorCode.VALIDATION_ERROR, 'Invalid cursor', [
      { field: 'query.cursor', message: 'not a cursor from this API' },
    ]);
  return Number(cursor);
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

  /**
   * A change is a new immutable version (trips already priced keep theirs);
   * repeating the tariff in force creates nothing, so a retried PUT is harmless.
   */
  async setTariff(adminId: string, vehicleClass: VehicleClass, input: TariffFigures) {
    const row = await withTransaction(this.db, async (tx) => {
      const current = await lockTariff(tx, vehicleClass);
      if (current && sameFigures(current, input)) return current;
      return insertTariffVersion(tx, { vehicleClass, ...input, adminId });
    });
    this.catalog.invalidate();
    return toTariffView(row);
  }

  async tariffVersions(vehicleClass: VehicleClass, query: { limit: number; cursor?: string }) {
    const before = decodeVersionCursor(query.cursor);
    const rows = await listTariffVersions(this.db, { vehicleClass, limit: query.limit, before });
    const page = rows.slice(0, query.limit);
    const more = rows.length > query.limit;
    return { items: page.map(toTariffVersionView), nextCursor: more ? String(page[page.length - 1]!.version) : null };
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
