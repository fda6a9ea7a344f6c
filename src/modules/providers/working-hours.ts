/**
 * Provider working hours: `{"0".."6": [["09:00","17:00"], …]}` on the Cairo
 * wall clock (0 = Sunday, like JS `getDay`). An empty object means "no
 * limits"; once any day is listed, unlisted days are days off.
 */
export type WorkingHours = Partial<Record<string, Array<[string, string]>>>;

// Egypt has switched DST on and off over the years: the offset comes from the tz database.
import { SERVICE_TIME_ZONE } from '../../shared/index.js';
const MINUTES_PER_DAY = 24 * 60;

const WEEKDAY_INDEX: Readonly<Record<string, number>> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

const formatter = new Intl.DateTimeFormat('en-US', {
  timeZone: SERVICE_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

interface WallClock {
  date: string;
  weekday: number;
  minute: number;
}

function wallClock(at: Date): WallClock {
  const parts: Record<string, string> = {};
  for (const p of formatter.formatToParts(at)) parts[p.type] = p.value;
  const weekday = WEEKDAY_INDEX[parts.weekday ?? ''];
  if (weekday === undefined) throw new RangeError(`cannot resolve ${SERVICE_TIME_ZONE} time for ${at.toISOString()}`);
  // Some ICU versions print midnight as "24" even with h23.
  const minute = (Number(parts.hour) % 24) * 60 + Number(parts.minute);
  return { date: `${parts.year}-${parts.month}-${parts.day}`, weekday, minute };
}

/** "09:30" → 570; "24:00" → 1440 (an interval may end at midnight). */
export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/** Problems with a working-hours object (intervals empty, reversed or overlapping), for a 400. */
export function workingHoursProblems(hours: WorkingHours): string[] {
  const problems: string[] = [];
  for (const [day, intervals] of Object.entries(hours)) {
    const sorted = [...(intervals ?? [])]
      .map(([a, b]) => [minutesOf(a), minutesOf(b)] as const)
      .sort((x, y) => x[0] - y[0]);
    sorted.forEach(([start, end], i) => {
      if (end <= start) problems.push(`day ${day}: interval must end after it starts`);
      const prev = sorted[i - 1];
      if (prev && start < prev[1]) problems.push(`day ${day}: intervals overlap`);
    });
  }
  return problems;
}

/**
 * True when [startsAt, endsAt) fits inside one working interval of the local
 * day it starts on. A booking may end exactly at local midnight.
 */
export function fitsWorkingHours(hours: WorkingHours, startsAt: Date, endsAt: Date): boolean {
  if (Object.keys(hours).length === 0) return true;
  const start = wallClock(startsAt);
  const endMinute = endMinuteOnStartDay(start, endsAt, endsAt.getTime() - startsAt.getTime());
  if (endMinute === undefined) return false;
  return (hours[String(start.weekday)] ?? []).some(
    ([a, b]) => minutesOf(a) <= start.minute && endMinute <= minutesOf(b),
  );
}

/** The end as minutes of the start's local day: 1440 for the next midnight, undefined past it. */
function endMinuteOnStartDay(start: WallClock, endsAt: Date, durationMs: number): number | undefined {
  const end = wallClock(endsAt);
  if (end.date === start.date) return end.minute;
  const endsAtNextMidnight = end.minute === 0 && durationMs <= MINUTES_PER_DAY * 60_000;
  return endsAtNextMidnight ? MINUTES_PER_DAY : undefined;
}
