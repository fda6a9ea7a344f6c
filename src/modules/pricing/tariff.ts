import type { VehicleClass } from '../../shared/index.js';
// Money is integer piastres throughout (1 EGP = 100 piastres) so that fares,
// commissions and ledger transfers never carry floating-point cents.

export interface Tariff {
  /** Flat amount charged on every trip, piastres. */
  baseFare: number;
  /** Piastres per kilometre. */
  perKm: number;
  /** Piastres per minute. */
  perMin: number;
  /** Floor on the fare, piastres. */
  minFare: number;
  /** Platform share in basis points (1500 = 15 %). */
  commissionBps: number;
}

/** A tariff as priced: `version` is its immutable row in `tariff_versions`, null for the built-in default. */
export interface VersionedTariff extends Tariff {
  version: number | null;
}

// Defaults from shared/API.md "Pricing" (EGP values ×100). Real deployments
// override these from the `pricing_config` table.
export const DEFAULT_TARIFFS: Readonly<Record<VehicleClass, Readonly<Tariff>>> = {
  economy: { baseFare: 1000, perKm: 350, perMin: 50, minFare: 1500, commissionBps: 1500 },
  comfort: { baseFare: 1500, perKm: 500, perMin: 75, minFare: 2500, commissionBps: 1800 },
  premium: { baseFare: 2500, perKm: 800, perMin: 100, minFare: 4000, commissionBps: 2000 },
  xl: { baseFare: 2000, perKm: 600, perMin: 80, minFare: 3500, commissionBps: 1700 },
};

/**
 * A local (Africa/Cairo) window of hours `[startHour, endHour)`.
 * `startHour > endHour` wraps past midnight (23–05 = 23:00..04:59).
 * `days` (0 = Sunday .. 6 = Saturday) restricts the window to the local
 * weekday of the instant being priced; omitted means every day.
 */
export interface TimeWindow {
  days?: readonly number[];
  startHour: number;
  endHour: number;
  multiplier: number;
}

// Friday is the Egyptian weekend evening peak.
const FRIDAY = 5;

/** A tariff as priced: `version` is its immutable row in `tariff_versions`, null for the built-in default. */
export interface VersionedTariff extends Tariff {
  version: number | null;
}

// Defaults from shared/API.md "Pricing"; production reads `time_pricing`.
export const DEFAULT_TIME_WINDOWS: readonly TimeWindow[] = [
  { startHour: 7, endHour: 9, multiplier: 1.2 },
  { startHour: 17, endHour: 20, multiplier: 1.3 },
  { startHour: 23, endHour: 5, multiplier: 1.1 },
  { days: [FRIDAY], startHour: 20, endHour: 23, multiplier: 1.4 },
];
