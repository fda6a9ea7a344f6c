const MINUTE_MS = 60_000;

/**
 * The next daily run at `hourUtc:minute` strictly after `now`. Retention runs
 * once a day in the quiet hours; tasks are staggered by minutes so they do not
 * all hit the database at once.
 */
export function nextDailyRun(now: Date, hourUtc: number, minute = 0): Date {
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hourUtc, minute));
  if (next.getTime() <= now.getTime()) next.setUTCDate(next.getUTCDate() + 1);
  return next;
}

export const minutes = (n: number) => n * MINUTE_MS;
