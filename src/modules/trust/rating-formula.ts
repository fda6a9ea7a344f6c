/**
 * A person's rating (issue 16 point 1): the mean of the newest
 * `RATING_WINDOW` stars they received, where a new account's first
 * `PRIOR_WEIGHT` ratings are blended with a prior of `PRIOR_STARS`:
 *
 *   n = min(count, 500), S = sum of those n stars
 *   rating = (S + max(0, 5 − n) · 5.0) / max(n, 5)
 *
 * So one 1-star trip on a new account shows (1 + 4·5) / 5 = 4.20, not 1.00;
 * from the 5th rating on it is the plain rolling mean. Rounded to 2 decimals,
 * the precision of the stored column.
 */
export const RATING_WINDOW = 500;
export const PRIOR_STARS = 5;
export const PRIOR_WEIGHT = 5;

export function blendedRating(sumOfStars: number, count: number): number {
  const n = Math.max(0, count);
  const value = (sumOfStars + Math.max(0, PRIOR_WEIGHT - n) * PRIOR_STARS) / Math.max(n, PRIOR_WEIGHT);
  return Math.round(value * 100) / 100;
}
