import { itemiseFare, itemsTotal, type FareItem } from './fare-items.js';
import type { QuoteClaims } from './quote-token.js';
import type { RouteEstimate } from './route-estimate.js';
import type { VersionedTariff } from './tariff.js';

export function itemiseRoute(
  tariff: VersionedTariff,
  route: Pick<RouteEstimate, 'distanceKmExact' | 'durationMinExact'>,
  m: { timeMultiplier: number; surge: number },
) {
  const fare = itemiseFare({
    tariff,
    distanceKm: route.distanceKmExact,
    durationMin: route.durationMinExact,
    timeMultiplier: m.timeMultiplier,
    surge: m.surge,
  });
  // Cheap guard: a quote whose lines disagree with its amount must never be signed.
  if (itemsTotal(fare.items) !== fare.amount) throw new Error('fare items do not add up');
  return fare;
}

/** Lines for a token signed before quotes were itemised: its figures re-itemised, the remainder in `rounding`. */
export function quotedLines(tariff: VersionedTariff, q: QuoteClaims): FareItem[] {
  const route = { distanceKmExact: q.distanceM / 1000, durationMinExact: q.durationS / 60 };
  const { items } = itemiseRoute(tariff, route, q);
  const drift = q.amount - itemsTotal(items);
  return items.map((i) => (i.code === 'rounding' ? { ...i, amount: i.amount + drift } : i));
}
