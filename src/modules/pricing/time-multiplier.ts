import type { TimeWindow } from './tariff.js';

// Egypt has switched DST on and off over the years, so the offset must come
// from the tz database, never a hard-coded +02:00.
const CAIRO_TIME_ZONE = 'Africa/Cairo';

const WEEKDAY_INDEX: Readonly<Record<string, number>> = {
  Sun: 0,
  Mon: 1,
  Tue: 2,
  Wed: 3,
  Thu: 4,
  Fri: 5,
  Sat: 6,
};

// Building a DateTimeFormat is costly; quotes are priced on every estimate.
const cairoFormatter = new Intl.DateTimeFormat('en-US', {
  timeZone: CAIRO_TIME_ZONE,
  weekday: 'short',
  hour: 'numeric',
  hourCycle: 'h23',
});

export interface LocalTime {
  /** 0 = Sunday .. 6 = Saturday. */
  weekday: number;
  /** 0..23. */
  hour: number;
}

/** Weekday and hour of `at` on the wall clock in Cairo. */
export function cairoLocalTime(at: Date): LocalTime {
  let weekday: number | undefined;
  let hour: number | undefined;
  for (const part of cairoFormatter.formatToParts(at)) {
    if (part.type === 'weekday') weekday = WEEKDAY_INDEX[part.value];
    if (part.type === 'hour') hour = Number(part.value);
  }
  if (weekday === undefined || hour === undefined || !Number.isInteger(hour)) {
    throw new RangeError(`cannot resolve Cairo local time for ${String(at)}`);
  }
  // Some ICU versions print midnight as "24" even with h23.
  return { weekday, hour: hour % 24 };
}

/** True when the local hour falls in `[startHour, endHour)`, wrapping midnight. */
function hourInWindow(hour: number, window: TimeWindow): boolean {
  const { startHour, endHour } = window;
  if (startHour <= endHour) return hour >= startHour && hour < endHour;
  return hour >= startHour || hour < endHour;
}

/**
 * Multiplier for a trip priced at `at`. Overlapping windows do not stack:
 * the highest matching multiplier wins so a Friday evening is 1.4, not
 * 1.4 × 1.3. No match means 1.0.
 */
export function timeMultiplier(at: Date, windows: readonly TimeWindow[]): number {
  const { weekday, hour } = cairoLocalTime(at);
  let best: number | undefined;
  for (const window of windows) {
    if (window.days && !window.days.includes(weekday)) continue;
    if (!hourInWindow(hour, window)) continue;
    if (best === undefined || window.multiplier > best) best = window.multiplier;
  }
  return best ?? 1.0;
}
