/**
 * `location_history` is partitioned by day (migration 0005, another module):
 * one child per UTC day named `location_history_YYYYMMDD`. A partition is
 * expired once its whole day lies before the retention cutoff.
 */
const PARTITION_NAME = /^location_history_(\d{4})(\d{2})(\d{2})$/;
const DAY_MS = 24 * 3600_000;

/** The UTC day a partition holds, or undefined for names that are not daily partitions. */
export function partitionDay(name: string): Date | undefined {
  const m = PARTITION_NAME.exec(name);
  if (!m) return undefined;
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  // Reject impossible dates such as 20250231 (Date would roll them over).
  return day.getUTCDate() === Number(m[3]) && day.getUTCMonth() === Number(m[2]) - 1 ? day : undefined;
}

/** Names of partitions whose every row is older than `retentionDays` before `now`. */
export function expiredPartitions(names: string[], now: Date, retentionDays: number): string[] {
  const cutoff = now.getTime() - retentionDays * DAY_MS;
  return names
    .filter((name) => {
      const day = partitionDay(name);
      return day !== undefined && day.getTime() + DAY_MS <= cutoff;
    })
    .sort();
}
