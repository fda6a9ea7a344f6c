import { haversineMeters, type LatLng } from '../../shared/index.js';
import { timeMultiplier } from './time-multiplier.js';
import type { TimeWindow } from './tariff.js';

export type EventArea =
  | { kind: 'circle'; center: LatLng; radiusM: number }
  | { kind: 'bbox'; minLat: number; minLng: number; maxLat: number; maxLng: number };

/** An admin-defined area + time window with a multiplier (a match, a concert, a holiday crowd). */
export interface PricingEvent {
  id: string;
  name: string;
  area: EventArea;
  /** Inclusive. */
  startsAt: Date;
  /** Exclusive, like the time windows. */
  endsAt: Date;
  multiplier: number;
}

export function isInArea(point: LatLng, area: EventArea): boolean {
  if (area.kind === 'circle') return haversineMeters(point, area.center) <= area.radiusM;
  return point.lat >= area.minLat && point.lat <= area.maxLat && point.lng >= area.minLng && point.lng <= area.maxLng;
}

/** Highest multiplier of the events covering `point` at `at`, or undefined when none does. */
export function eventMultiplier(point: LatLng, at: Date, events: readonly PricingEvent[]): number | undefined {
  const t = at.getTime();
  let best: number | undefined;
  for (const event of events) {
    if (t < event.startsAt.getTime() || t >= event.endsAt.getTime()) continue;
    if (!isInArea(point, event.area)) continue;
    if (best === undefined || event.multiplier > best) best = event.multiplier;
  }
  return best;
}

/**
 * The "time" factor of the fare. Event pricing competes with the time windows
 * rather than stacking on them: the highest matching multiplier applies (API.md
 * already says overlapping windows do not stack; an event is one more window,
 * bounded in space). Surge still multiplies on top, as API.md requires.
 */
export function scheduleMultiplier(args: {
  at: Date;
  pickup: LatLng;
  windows: readonly TimeWindow[];
  events: readonly PricingEvent[];
}): number {
  const fromWindows = timeMultiplier(args.at, args.windows);
  const fromEvents = eventMultiplier(args.pickup, args.at, args.events);
  return fromEvents === undefined ? fromWindows : Math.max(fromWindows, fromEvents);
}
