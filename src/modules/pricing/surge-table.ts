// Surge steps from shared/API.md "Pricing": [upper bound of ratio, multiplier].
const SURGE_STEPS: readonly (readonly [number, number])[] = [
  [1, 1.0],
  [1.5, 1.1],
  [2, 1.3],
  [3, 1.5],
  [4, 1.8],
];
// Past the table surge grows with the ratio but is capped so a
// demand spike never prices a ride at more than 3× (API.md).
const SURGE_SLOPE = 0.5;
const SURGE_CAP = 3.0;

/** Surge multiplier for a demand/supply ratio `ratio` (≥ 0). */
export function surgeFromRatio(ratio: number): number {
  if (Number.isNaN(ratio)) throw new RangeError('surge ratio is NaN');
  for (const [upper, multiplier] of SURGE_STEPS) {
    if (ratio < upper) return multiplier;
  }
  return Math.min(ratio * SURGE_SLOPE, SURGE_CAP);
}

/**
 * Surge from raw counts in a cell. No demand means no surge; demand with no
 * supply at all is as bad as it gets, so the ratio is taken as the demand
 * itself (each waiting rider counts as one unserved driver).
 */
export function surgeFromCounts(demand: number, supply: number): number {
  if (!(demand >= 0) || !(supply >= 0)) {
    throw new RangeError(`counts must be non-negative: demand=${demand} supply=${supply}`);
  }
  if (demand === 0) return 1.0;
  const ratio = supply === 0 ? demand : demand / supply;
  return surgeFromRatio(ratio);
}
