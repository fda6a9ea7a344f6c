import { sql, type Generated, type Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { ServiceType } from '../../shared/index.js';

interface ServiceTariffVersionsTable {
  service_type: ServiceType;
  version: number;
  call_out_fee: number;
  per_km: number;
  commission_bps: number;
  created_at: Generated<Date>;
  created_by: string | null;
}

export type ServiceTariffRow = Selectable<ServiceTariffVersionsTable>;

export interface ServiceTariffFigures {
  callOutFee: number;
  perKm: number;
  commissionBps: number;
}

const q = (db: DbHandle) => db.withTables<{ service_tariff_versions: ServiceTariffVersionsTable }>();

/** The tariff in force is the newest version of the type (migration 0041 seeds version 1 of each). */
export async function findCurrentServiceTariff(db: DbHandle, serviceType: ServiceType): Promise<ServiceTariffRow> {
  return q(db)
    .selectFrom('service_tariff_versions')
    .selectAll()
    .where('service_type', '=', serviceType)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
}

export async function listCurrentServiceTariffs(db: DbHandle): Promise<ServiceTariffRow[]> {
  return q(db)
    .selectFrom('service_tariff_versions')
    .selectAll()
    .distinctOn('service_type')
    .orderBy('service_type')
    .orderBy('version', 'desc')
    .execute();
}

export async function findServiceTariffVersion(
  db: DbHandle,
  serviceType: ServiceType,
  version: number,
): Promise<ServiceTariffRow | undefined> {
  return q(db)
    .selectFrom('service_tariff_versions')
    .selectAll()
    .where('service_type', '=', serviceType)
    .where('version', '=', version)
    .executeTakeFirst();
}

/** Version changes of one service type take turns until the transaction ends (there is no "in force" row to lock). */
export async function lockServiceTariff(db: DbHandle, serviceType: ServiceType): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`service_tariff:${serviceType}`}))`.execute(db);
}

/** The next version of the type, which becomes the one in force; run under lockServiceTariff. */
export async function insertServiceTariffVersion(
  db: DbHandle,
  args: ServiceTariffFigures & { serviceType: ServiceType; version: number; adminId: string },
): Promise<ServiceTariffRow> {
  return q(db)
    .insertInto('service_tariff_versions')
    .values({
      service_type: args.serviceType,
      version: args.version,
      call_out_fee: args.callOutFee,
      per_km: args.perKm,
      commission_bps: args.commissionBps,
      created_by: args.adminId,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
