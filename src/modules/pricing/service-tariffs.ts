import type { Db, DbHandle } from '../../platform/db/database.js';
import { withTransaction } from '../../platform/db/transaction.js';
import type { LatLng, ServiceType } from '../../shared/index.js';
import type { RouteService } from './osrm-route.js';
import {
  findCurrentServiceTariff,
  findServiceTariffVersion,
  insertServiceTariffVersion,
  listCurrentServiceTariffs,
  lockServiceTariff,
  type ServiceTariffFigures,
  type ServiceTariffRow,
} from './service-tariffs.repo.js';

/** One line of a service price: the call-out, the towing distance, later the approved quote's items. */
export type ServicePriceCode = 'call_out' | 'tow_distance';
export interface ServicePriceItem {
  code: ServicePriceCode;
  amount: number;
}

export interface PricedServiceCall {
  serviceType: ServiceType;
  tariffVersion: number;
  commissionBps: number;
  /** Road distance breakdown → destination for a tow, null otherwise. */
  towDistanceM: number | null;
  items: ServicePriceItem[];
  total: number;
  currency: 'EGP';
}

export function toServiceTariffView(row: ServiceTariffRow) {
  return {
    serviceType: row.service_type,
    version: row.version,
    callOutFee: row.call_out_fee,
    perKm: row.per_km,
    commissionBps: row.commission_bps,
    currency: 'EGP' as const,
    createdAt: row.created_at.toISOString(),
  };
}

const sameFigures = (row: ServiceTariffRow, input: ServiceTariffFigures) =>
  row.call_out_fee === input.callOutFee && row.per_km === input.perKm && row.commission_bps === input.commissionBps;

/** Call-out tariffs per service type, versioned like the ride tariffs: a request records the version it priced with. */
export class ServiceTariffs {
  constructor(private readonly deps: { db: Db; routes: RouteService }) {}

  async list() {
    return (await listCurrentServiceTariffs(this.deps.db)).map(toServiceTariffView);
  }

  /** A new version when the figures differ from the one in force; repeating it creates nothing (retried PUTs). */
  async set(adminId: string, serviceType: ServiceType, input: ServiceTariffFigures) {
    const row = await withTransaction(this.deps.db, async (tx) => {
      await lockServiceTariff(tx, serviceType);
      const current = await findCurrentServiceTariff(tx, serviceType);
      if (sameFigures(current, input)) return current;
      return insertServiceTariffVersion(tx, { ...input, serviceType, version: current.version + 1, adminId });
    });
    return toServiceTariffView(row);
  }

  /** The itemised price of a call-out with the tariff in force: call-out fee, plus the towing distance for a tow. */
  async price(args: { serviceType: ServiceType; location: LatLng; destination?: LatLng }): Promise<PricedServiceCall> {
    const tariff = await findCurrentServiceTariff(this.deps.db, args.serviceType);
    const items: ServicePriceItem[] = [{ code: 'call_out', amount: tariff.call_out_fee }];
    let towDistanceM: number | null = null;
    if (args.serviceType === 'tow' && args.destination) {
      const route = await this.deps.routes.estimate(args.location, args.destination);
      towDistanceM = route.distanceM;
      items.push({ code: 'tow_distance', amount: Math.round(route.distanceKmExact * tariff.per_km) });
    }
    return {
      serviceType: args.serviceType,
      tariffVersion: tariff.version,
      commissionBps: tariff.commission_bps,
      towDistanceM,
      items,
      total: items.reduce((sum, item) => sum + item.amount, 0),
      currency: 'EGP',
    };
  }

  /** The version a request was priced with (settlement reads its commission). */
  async at(db: DbHandle, serviceType: ServiceType, version: number) {
    const row = await findServiceTariffVersion(db, serviceType, version);
    return row ? toServiceTariffView(row) : undefined;
  }
}
