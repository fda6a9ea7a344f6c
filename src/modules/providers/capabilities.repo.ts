import { sql, type Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { ServiceType } from '../../shared/index.js';
import type { Equipment } from './capabilities.schema.js';

interface ProviderCapabilitiesTable {
  provider_id: string;
  service_types: ServiceType[];
  equipment: Equipment[];
  area_lat: number | null;
  area_lng: number | null;
  area_radius_m: number | null;
  /** Postgres `polygon` text, `((lng,lat),…)`. */
  area_polygon: string | null;
  revision: number;
  status: 'pending' | 'approved';
  approved_by: string | null;
  approved_at: Date | null;
  declared_at: Date;
}

export type CapabilitiesRow = Selectable<ProviderCapabilitiesTable>;
export type DeclaredFields = Pick<
  CapabilitiesRow,
  'service_types' | 'equipment' | 'area_lat' | 'area_lng' | 'area_radius_m' | 'area_polygon'
>;

const q = (db: DbHandle) => db.withTables<{ provider_capabilities: ProviderCapabilitiesTable }>();

export async function findCapabilities(db: DbHandle, providerId: string, opts: { lock?: boolean } = {}) {
  const query = q(db).selectFrom('provider_capabilities').selectAll().where('provider_id', '=', providerId);
  return (opts.lock ? query.forUpdate() : query).executeTakeFirst();
}

/** A new declaration: the next revision, pending, and the earlier approval cleared. */
export async function saveDeclaration(db: DbHandle, providerId: string, fields: DeclaredFields) {
  const values = {
    ...fields,
    area_polygon: fields.area_polygon === null ? null : sql<string>`${fields.area_polygon}::polygon`,
  };
  const reset = { status: 'pending' as const, approved_by: null, approved_at: null, declared_at: sql<Date>`now()` };
  return q(db)
    .insertInto('provider_capabilities')
    .values({ provider_id: providerId, ...values, revision: 1, ...reset })
    .onConflict((oc) =>
      oc
        .column('provider_id')
        .doUpdateSet({ ...values, ...reset, revision: sql<number>`provider_capabilities.revision + 1` }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Approves exactly `revision` (compare-and-set): a declaration changed since the admin looked is not approved. */
export async function approveRevision(db: DbHandle, args: { providerId: string; revision: number; adminId: string }) {
  return q(db)
    .updateTable('provider_capabilities')
    .set({ status: 'approved', approved_by: args.adminId, approved_at: sql<Date>`now()` })
    .where('provider_id', '=', args.providerId)
    .where('revision', '=', args.revision)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
}

/**
 * Of `providerIds`, those approved for `serviceType` whose polygon (if any) holds the point; circles are checked
 * by the caller with the one haversine formula. Postgres' planar `<@` is what a city-sized polygon needs.
 */
export async function approvedFor(
  db: DbHandle,
  args: { providerIds: string[]; serviceType: ServiceType; point: { lat: number; lng: number } },
) {
  if (args.providerIds.length === 0) return [];
  return q(db)
    .selectFrom('provider_capabilities')
    .select(['provider_id', 'area_lat', 'area_lng', 'area_radius_m'])
    .where('provider_id', 'in', args.providerIds)
    .where('status', '=', 'approved')
    .where(sql<boolean>`${args.serviceType} = ANY (service_types)`)
    .where((eb) =>
      eb.or([
        eb('area_polygon', 'is', null),
        sql<boolean>`point(${args.point.lng}, ${args.point.lat}) <@ area_polygon`,
      ]),
    )
    .execute();
}

/** provider → approved service types, for every provider with an approved declaration (the console map's filter). */
export async function approvedServiceTypes(db: DbHandle): Promise<Map<string, ServiceType[]>> {
  const rows = await q(db)
    .selectFrom('provider_capabilities')
    .select(['provider_id', 'service_types'])
    .where('status', '=', 'approved')
    .execute();
  return new Map(rows.map((r) => [r.provider_id, r.service_types]));
}
