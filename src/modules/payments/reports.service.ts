import type { DbHandle } from '../../platform/db/database.js';
import { AppError, ErrorCode } from '../../platform/errors.js';
import { CURRENCY, platformRevenueByDay } from '../ledger/index.js';
import { earningsByPeriod, localDayBounds } from './finance.repo.js';

/** Days and weeks are Egyptian local time: that is how drivers and finance count them. */
export const REPORT_TIME_ZONE = 'Africa/Cairo';
const DAY_MS = 24 * 3_600_000;
const DEFAULT_SPAN_DAYS = 30;
const MAX_SPAN_DAYS = 366;

export interface RangeQuery {
  from?: string;
  to?: string;
}

/** `from`/`to` are YYYY-MM-DD (to exclusive); default: the last 30 days up to tomorrow. */
export function resolveRange(query: RangeQuery, now = new Date()): { from: Date; to: Date } {
  const to = query.to ? new Date(`${query.to}T00:00:00Z`) : new Date(now.getTime() + DAY_MS);
  const from = query.from ? new Date(`${query.from}T00:00:00Z`) : new Date(to.getTime() - DEFAULT_SPAN_DAYS * DAY_MS);
  if (
    Number.isNaN(from.getTime()) ||
    Number.isNaN(to.getTime()) ||
    from >= to ||
    to.getTime() - from.getTime() > MAX_SPAN_DAYS * DAY_MS
  ) {
    throw new AppError(ErrorCode.VALIDATION_ERROR, `from must be before to, at most ${MAX_SPAN_DAYS} days apart`, [
      { field: 'query.from', message: 'bad range' },
    ]);
  }
  return { from, to };
}

export async function driverEarnings(db: DbHandle, args: { driverId: string; period: 'day' | 'week' } & RangeQuery) {
  const range = resolveRange(args);
  const rows = await earningsByPeriod(db, {
    driverId: args.driverId,
    period: args.period,
    ...range,
    timeZone: REPORT_TIME_ZONE,
  });
  return rows.map((r) => ({
    period: r.period,
    trips: r.trips,
    cashTrips: r.cash_trips,
    gross: Number(r.gross),
    commission: Number(r.commission),
    net: Number(r.net),
    currency: CURRENCY,
  }));
}

export async function platformRevenue(db: DbHandle, query: RangeQuery) {
  return platformRevenueByDay(db, { ...resolveRange(query), timeZone: REPORT_TIME_ZONE });
}

/** The local calendar day (REPORT_TIME_ZONE) that `now` falls in: its date and its [from, to) instants. */
export async function reportDayOf(db: DbHandle, now = new Date()) {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: REPORT_TIME_ZONE }).format(now);
  return { day, ...(await localDayBounds(db, { day, timeZone: REPORT_TIME_ZONE })) };
}

/** A driver's settled trips and net earnings (driver share) on one local day. */
export async function driverDayEarnings(
  db: DbHandle,
  args: { driverId: string; day: { day: string; from: Date; to: Date } },
) {
  const rows = await earningsByPeriod(db, {
    driverId: args.driverId,
    period: 'day',
    from: args.day.from,
    to: args.day.to,
    timeZone: REPORT_TIME_ZONE,
  });
  const row = rows.find((r) => r.period === args.day.day);
  return { trips: row?.trips ?? 0, net: Number(row?.net ?? 0), currency: CURRENCY };
}
