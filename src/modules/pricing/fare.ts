import type { Tariff } from './tariff.js';

// API.md "Pricing": fares are rounded to the nearest 0.50 EGP.
export const FARE_ROUNDING_PIASTRES = 50;
// Absorbs float error such as 5524.999999999 that should be exactly 5525;
// far smaller than any real fraction of a rounding step.
const ROUNDING_EPSILON = 1e-9;
const BPS_DENOMINATOR = 10_000;

export interface FareInput {
  tariff: Tariff;
  /** Unrounded route distance. */
  distanceKm: number;
  /** Unrounded route duration. */
  durationMin: number;
  timeMultiplier: number;
  surge: number;
}

export interface Fare {
  /** Integer piastres, always a multiple of FARE_ROUNDING_PIASTRES. */
  amount: number;
  /** True when the metered fare was below the class minimum. */
  minimumApplied: boolean;
}

export interface CommissionSplit {
  commission: number;
  driverShare: number;
}

/** Nearest multiple of 50 piastres, halves rounded up. */
export function roundFare(piastres: number): number {
  const steps = Math.floor(piastres / FARE_ROUNDING_PIASTRES + 0.5 + ROUNDING_EPSILON);
  return steps * FARE_ROUNDING_PIASTRES;
}

// A configured minimum that is not a multiple of 50 is rounded up, not to
// nearest, so the charged fare can never fall below the class minimum.
function roundMinimumUp(piastres: number): number {
  return Math.ceil(piastres / FARE_ROUNDING_PIASTRES - ROUNDING_EPSILON) * FARE_ROUNDING_PIASTRES;
}

function assertNonNegative(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be ≥ 0, got ${value}`);
}

function assertPositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be > 0, got ${value}`);
}

/** (base + perKm·km + perMin·min) · timeMultiplier · surge, unrounded; the one formula quotes and items share. */
export function rawFare(input: FareInput): number {
  const { tariff, distanceKm, durationMin, timeMultiplier, surge } = input;
  const metered = tariff.baseFare + tariff.perKm * distanceKm + tariff.perMin * durationMin;
  return metered * timeMultiplier * surge;
}

/**
 * max(minFare, (base + perKm·km + perMin·min) · timeMultiplier · surge),
 * rounded to 50 piastres. Only the final amount is rounded, so the inputs
 * must be the exact (unrounded) route figures.
 */
export function computeFare(input: FareInput): Fare {
  const { tariff, distanceKm, durationMin, timeMultiplier, surge } = input;
  assertNonNegative('distanceKm', distanceKm);
  assertNonNegative('durationMin', durationMin);
  assertPositive('timeMultiplier', timeMultiplier);
  assertPositive('surge', surge);
  const raw = rawFare(input);
  const minimum = roundMinimumUp(tariff.minFare);
  const rounded = roundFare(raw);
  return { amount: Math.max(minimum, rounded), minimumApplied: raw < tariff.minFare };
}

/**
 * Platform commission rounded half up to a whole piastre; the driver gets
 * the rest, so the two always add up to the fare exactly.
 */
export function commissionSplit(fareAmount: number, commissionBps: number): CommissionSplit {
  if (!Number.isSafeInteger(fareAmount) || fareAmount < 0) {
    throw new RangeError(`fareAmount must be a non-negative integer, got ${fareAmount}`);
  }
  if (!Number.isInteger(commissionBps) || commissionBps < 0 || commissionBps > BPS_DENOMINATOR) {
    throw new RangeError(`commissionBps must be an integer in 0..10000, got ${commissionBps}`);
  }
  const commission = Math.floor((fareAmount * commissionBps + BPS_DENOMINATOR / 2) / BPS_DENOMINATOR);
  return { commission, driverShare: fareAmount - commission };
}
