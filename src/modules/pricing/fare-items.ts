import { computeFare, rawFare, roundFare, type FareInput } from './fare.js';

/** Lines of a quote or receipt, in the order they are shown. */
export const FARE_ITEM_CODES = [
  'base',
  'distance',
  'time',
  'time_multiplier',
  'surge',
  'minimum_fare',
  'rounding',
  'bid_adjustment',
  'cancellation_fee',
  // Issue 16 #7: waiting at a stop beyond 3 free minutes, per started minute at the tariff's per-minute rate.
  'stop_waiting',
  // Receipts only: dues from earlier trips (an uncovered cancellation fee, a failed card payment) paid with this one.
  'previous_dues',
] as const;
export type FareItemCode = (typeof FARE_ITEM_CODES)[number];

/** One line in integer piastres; `rounding` may be negative (rounded down to the 0.50 EGP step). */
export interface FareItem {
  code: FareItemCode;
  amount: number;
}

export interface ItemisedFare {
  amount: number;
  items: FareItem[];
}

/**
 * The fare and the lines that make it up, summing exactly to the amount.
 * Each line is its own share rounded to a piastre; `rounding` takes what the
 * piastre roundings and the 0.50 EGP step leave, and `minimum_fare` is the
 * top-up to the class minimum, present only when the minimum applies.
 */
export function itemiseFare(input: FareInput): ItemisedFare {
  const { tariff, distanceKm, durationMin, timeMultiplier, surge } = input;
  const { amount } = computeFare(input);
  const metered = tariff.baseFare + tariff.perKm * distanceKm + tariff.perMin * durationMin;
  const lines: FareItem[] = [
    { code: 'base', amount: tariff.baseFare },
    { code: 'distance', amount: Math.round(tariff.perKm * distanceKm) },
    { code: 'time', amount: Math.round(tariff.perMin * durationMin) },
    { code: 'time_multiplier', amount: Math.round(metered * (timeMultiplier - 1)) },
    { code: 'surge', amount: Math.round(metered * timeMultiplier * (surge - 1)) },
  ];
  const rounded = roundFare(rawFare(input));
  const shown = lines.reduce((sum, line) => sum + line.amount, 0);
  const topUp = amount - rounded;
  if (topUp > 0) lines.push({ code: 'minimum_fare', amount: topUp });
  lines.push({ code: 'rounding', amount: rounded - shown });
  return { amount, items: lines };
}

/** Items sum to this; a stored or signed list is checked against its amount before it is trusted. */
export function itemsTotal(items: readonly FareItem[]): number {
  return items.reduce((sum, line) => sum + line.amount, 0);
}

/**
 * A broadcast_bid trip is accepted at the chosen driver's bid: the agreed
 * price's lines are the quote's plus the difference to the bid, so they
 * still sum to what the rider agreed to pay.
 */
export function linesForBid(quoted: readonly FareItem[] | null, quotedAmount: number, bid: number): FareItem[] {
  const lines =
    quoted && itemsTotal(quoted) === quotedAmount ? [...quoted] : [{ code: 'base' as const, amount: quotedAmount }];
  return bid === quotedAmount ? lines : [...lines, { code: 'bid_adjustment', amount: bid - quotedAmount }];
}
