import { z } from 'zod';
import { defineTask } from '../../platform/jobs/task.js';
import type { Platform } from '../../platform/runtime.js';
import { createHistoryPartition, deleteDriverLocationsBefore, dropHistoryPartition, listHistoryPartitions, partitionName } from './location.repo.js';

const DAY_MS = 86_400_000;
/** Partitions exist this many days ahead, so a week of the job not running loses nothing. */
export const PARTITIONS_AHEAD_DAYS = 7;
/** History kept this long (then the day's partition is dropped whole: no DELETE bloat). */
export const HISTORY_RETENTION_DAYS = 30;
/** Last-known positions not refreshed for this long belong to drivers who left. */
const LAST_KNOWN_RETENTION_DAYS = 30;
/** Runs daily a few minutes after UTC midnight. */
const RUN_AT_UTC_MINUTE = 5;

export const maintainPartitionsTask = defineTask({ name: 'location.maintain_partitions', schema: z.object({}), maxAttempts: 5 });
const JOB_KEY = 'location:maintain-partitions';

const startOfUtcDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

/** Creates today … +7 days, drops days past retention, prunes stale last-known positions. */
export async function maintainLocationStorage(platform: Platform, now = Date.now()): Promise<{ created: number; dropped: string[] }> {
  const db = platform.database.db;
  const today = startOfUtcDay(now);
  for (let d = -1; d <= PARTITIONS_AHEAD_DAYS; d++) await createHistoryPartition(db, new Date(today + d * DAY_MS));
  const oldestKept = partitionName(new Date(today - HISTORY_RETENTION_DAYS * DAY_MS));
  // Names sort like their dates (location_history_YYYYMMDD).
  const dropped = (await listHistoryPartitions(db)).filter((name) => name < oldestKept);
  for (const name of dropped) await dropHistoryPartition(db, name);
  await deleteDriverLocationsBefore(db, new Date(now - LAST_KNOWN_RETENTION_DAYS * DAY_MS));
  return { created: PARTITIONS_AHEAD_DAYS + 2, dropped };
}

/** Enqueues the next run (job key: at most one pending run, start-ups just move it). */
export async function scheduleLocationMaintenance(platform: Platform, runAt = new Date()): Promise<void> {
  await platform.jobs.enqueue(platform.database.db, maintainPartitionsTask, {}, { jobKey: JOB_KEY, runAt });
}

export function registerLocationTasks(platform: Platform): void {
  platform.jobs.register(maintainPartitionsTask, async (_payload, ctx) => {
    const result = await maintainLocationStorage(platform);
    if (result.dropped.length > 0) ctx.log.info({ dropped: result.dropped }, 'location history partitions dropped');
    const next = startOfUtcDay(Date.now()) + DAY_MS + RUN_AT_UTC_MINUTE * 60_000;
    await scheduleLocationMaintenance(platform, new Date(next));
  });
}
