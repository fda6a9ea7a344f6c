import { Gauge } from 'prom-client';
import type { DbHandle } from '../../platform/db/database.js';
import { metricsRegistry } from '../../platform/observability/metrics.js';
import { VEHICLE_CLASSES } from '../../shared/index.js';
import { countOnlineDrivers, type DriverState } from './drivers.repo.js';

const ONLINE_STATES: DriverState[] = ['available', 'offered', 'busy', 'cooldown'];

const driversOnline = new Gauge({
  name: 'smartline_drivers_online',
  help: 'Drivers not offline, by vehicle class and state (available, offered, busy, cooldown), read on scrape',
  labelNames: ['vehicle_class', 'state'] as const,
  registers: [metricsRegistry],
});

/**
 * Scrape-time gauge from driver_profiles.state (the dispatch state machine),
 * not hot-state presence: Postgres holds one row per driver and answers with
 * one GROUP BY, while hot state has no cheap count. Throws when the database does.
 */
export async function collectDriverGauges(db: DbHandle): Promise<void> {
  const rows = await countOnlineDrivers(db);
  driversOnline.reset();
  for (const vehicle_class of VEHICLE_CLASSES) {
    for (const state of ONLINE_STATES) {
      driversOnline.set(
        { vehicle_class, state },
        rows.find((r) => r.vehicle_class === vehicle_class && r.state === state)?.n ?? 0,
      );
    }
  }
}

export function clearDriverGauges(): void {
  driversOnline.reset();
}
