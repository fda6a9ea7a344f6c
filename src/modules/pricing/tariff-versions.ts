import type { DbHandle } from '../../platform/db/database.js';
import type { VehicleClass } from '../../shared/index.js';
import { tariffFromRow, type PricingCatalog } from './pricing-catalog.js';
import { findTariffVersion } from './pricing.repo.js';
import type { VersionedTariff } from './tariff.js';

// Versions never change, so a read one is kept; a city has a handful per class.
const MAX_CACHED_VERSIONS = 1_000;

/** Tariffs by version: what quotes, re-pricing and settlement of an already priced trip use. */
export class TariffVersions {
  private readonly cache = new Map<string, VersionedTariff>();

  constructor(
    private readonly db: DbHandle,
    private readonly catalog: PricingCatalog,
  ) {}

  /** The tariff in force now (a trip priced before versions existed, or the built-in default). */
  async current(vehicleClass: VehicleClass): Promise<VersionedTariff> {
    return (await this.catalog.snapshot()).tariffs[vehicleClass];
  }

  /** Version `version` of the class; null means the one in force now. Undefined when no such version exists. */
  async at(vehicleClass: VehicleClass, version: number | null): Promise<VersionedTariff | undefined> {
    if (version === null) return this.current(vehicleClass);
    const key = `${vehicleClass}:${version}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const row = await findTariffVersion(this.db, vehicleClass, version);
    if (!row) return undefined;
    const tariff = tariffFromRow(row);
    if (this.cache.size >= MAX_CACHED_VERSIONS) this.cache.clear();
    this.cache.set(key, tariff);
    return tariff;
  }
}
