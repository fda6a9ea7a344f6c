import { sql, type Generated, type Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import { EXACT_CREATED_AT_SQL } from '../../platform/http/cursor.js';
import type { VehicleClass } from '../../shared/index.js';

interface PricingConfigTable {
  vehicle_class: VehicleClass;
  base_fare: number;
  per_km: number;
  per_min: number;
  min_fare: number;
  commission_bps: number;
  updated_at: Generated<Date>;
  updated_by: string | null;
  /** The tariff_versions row these figures are (migration 0017). */
  version: number;
}

interface TariffVersionsTable {
  vehicle_class: VehicleClass;
  version: number;
  base_fare: number;
  per_km: number;
  per_min: number;
  min_fare: number;
  commission_bps: number;
  created_at: Generated<Date>;
  created_by: string | null;
}

interface TimePricingTable {
  id: Generated<string>;
  days: number[] | null;
  start_hour: number;
  end_hour: number;
  multiplier: number;
  description: string | null;
  position: number;
  created_at: Generated<Date>;
}

interface EventPricingTable {
  id: Generated<string>;
  name: string;
  center_lat: number | null;
  center_lng: number | null;
  radius_m: number | null;
  min_lat: number | null;
  min_lng: number | null;
  max_lat: number | null;
  max_lng: number | null;
  starts_at: Date;
  ends_at: Date;
  multiplier: number;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

type PricingTables = {
  pricing_config: PricingConfigTable;
  tariff_versions: TariffVersionsTable;
  time_pricing: TimePricingTable;
  event_pricing: EventPricingTable;
};

export type TariffRow = Selectable<PricingConfigTable>;
export type TariffVersionRow = Selectable<TariffVersionsTable>;
export type TimeWindowRow = Selectable<TimePricingTable>;
export type EventRow = Selectable<EventPricingTable>;
export type EventFields = Omit<EventRow, 'id' | 'created_by' | 'created_at' | 'updated_at'>;

const q = (db: DbHandle) => db.withTables<PricingTables>();

export async function listTariffs(db: DbHandle): Promise<TariffRow[]> {
  return q(db).selectFrom('pricing_config').selectAll().orderBy('vehicle_class').execute();
}

export interface TariffFigures {
  baseFare: number;
  perKm: number;
  perMin: number;
  minFare: number;
  commissionBps: number;
}

/** The class's tariff in force, locked until the transaction ends: version changes of one class take turns. */
export async function lockTariff(db: DbHandle, vehicleClass: VehicleClass): Promise<TariffRow | undefined> {
  return q(db)
    .selectFrom('pricing_config')
    .selectAll()
    .where('vehicle_class', '=', vehicleClass)
    .forUpdate()
    .executeTakeFirst();
}

/**
 * A new immutable version (the next number of its class) that becomes the
 * tariff in force; run under lockTariff. Two writers that still collide meet
 * the (vehicle_class, version) primary key.
 */
export async function insertTariffVersion(
  db: DbHandle,
  args: TariffFigures & { vehicleClass: VehicleClass; adminId: string },
): Promise<TariffRow> {
  const figures = {
    base_fare: args.baseFare,
    per_km: args.perKm,
    per_min: args.perMin,
    min_fare: args.minFare,
    commission_bps: args.commissionBps,
  };
  const next = await q(db)
    .selectFrom('tariff_versions')
    .select(sql<number>`coalesce(max(version), 0) + 1`.as('version'))
    .where('vehicle_class', '=', args.vehicleClass)
    .executeTakeFirstOrThrow();
  await q(db)
    .insertInto('tariff_versions')
    .values({ vehicle_class: args.vehicleClass, version: next.version, ...figures, created_by: args.adminId })
    .execute();
  const values = { ...figures, version: next.version, updated_by: args.adminId };
  return q(db)
    .insertInto('pricing_config')
    .values({ vehicle_class: args.vehicleClass, ...values })
    .onConflict((oc) => oc.column('vehicle_class').doUpdateSet({ ...values, updated_at: sql<Date>`now()` }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findTariffVersion(
  db: DbHandle,
  vehicleClass: VehicleClass,
  version: number,
): Promise<TariffVersionRow | undefined> {
  return q(db)
    .selectFrom('tariff_versions')
    .selectAll()
    .where('vehicle_class', '=', vehicleClass)
    .where('version', '=', version)
    .executeTakeFirst();
}

/** Newest first; `before` is the last version of the previous page. One extra row tells if more exist. */
export async function listTariffVersions(
  db: DbHandle,
  args: { vehicleClass: VehicleClass; limit: number; before?: number },
): Promise<TariffVersionRow[]> {
  let query = q(db)
    .selectFrom('tariff_versions')
    .selectAll()
    .where('vehicle_class', '=', args.vehicleClass)
    .orderBy('version', 'desc')
    .limit(args.limit + 1);
  if (args.before !== undefined) query = query.where('version', '<', args.before);
  return query.execute();
}

export async function listTimeWindows(db: DbHandle): Promise<TimeWindowRow[]> {
  return q(db).selectFrom('time_pricing').selectAll().orderBy('position').orderBy('id').execute();
}

/** Replaces the whole list (callers run it in one transaction). */
export async function replaceTimeWindows(
  db: DbHandle,
  windows: Array<{
    days: number[] | null;
    startHour: number;
    endHour: number;
    multiplier: number;
    description: string | null;
  }>,
): Promise<TimeWindowRow[]> {
  await q(db).deleteFrom('time_pricing').execute();
  if (windows.length === 0) return [];
  const rows = windows.map((w, i) => ({
    days: w.days === null ? null : sql<number[]>`${sql.val(w.days)}::smallint[]`,
    start_hour: w.startHour,
    end_hour: w.endHour,
    multiplier: w.multiplier,
    description: w.description,
    position: i + 1,
  }));
  await q(db)
    .insertInto('time_pricing')
    .values(rows as never)
    .execute();
  return listTimeWindows(db);
}

/** Events that have not ended yet (current and upcoming), what the price cache needs. */
export async function listLiveEvents(db: DbHandle, now: Date): Promise<EventRow[]> {
  return q(db)
    .selectFrom('event_pricing')
    .selectAll()
    .where('ends_at', '>', now)
    .orderBy('starts_at')
    .orderBy('id')
    .execute();
}

/** Newest first, keyset on the exact created_at (see platform/http/cursor.ts); one extra row tells if more exist. */
export async function listEventsPage(db: DbHandle, args: { limit: number; after?: { at: string; id: string } }) {
  let query = q(db)
    .selectFrom('event_pricing')
    .selectAll()
    .select(sql.raw<string>(EXACT_CREATED_AT_SQL).as('created_at_exact'))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(args.limit + 1);
  if (args.after) {
    const createdAt = sql<Date>`${args.after.at}::timestamptz`;
    const id = args.after.id;
    query = query.where((eb) =>
      eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]),
    );
  }
  return query.execute();
}

export async function insertEvent(db: DbHandle, fields: EventFields, adminId: string): Promise<EventRow> {
  return q(db)
    .insertInto('event_pricing')
    .values({ ...fields, created_by: adminId })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateEvent(db: DbHandle, id: string, fields: EventFields): Promise<EventRow | undefined> {
  return q(db)
    .updateTable('event_pricing')
    .set({ ...fields, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteEvent(db: DbHandle, id: string): Promise<boolean> {
  const rows = await q(db).deleteFrom('event_pricing').where('id', '=', id).returning('id').execute();
  return rows.length > 0;
}
