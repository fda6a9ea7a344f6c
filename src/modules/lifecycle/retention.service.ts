import type { Db } from '../../platform/db/database.js';
import { withTransaction } from '../../platform/db/transaction.js';
import { deleteExpiredKeys } from '../../platform/http/idempotency.repo.js';
import { expiredPartitions } from './partitions.js';
import { archiveEventsBatch } from '../../platform/events/events.repo.js';
import { locationHistory } from '../location/index.js';
import { notificationRetention } from '../notifications/index.js';

const DAY_MS = 24 * 3600_000;
// Small enough that one batch holds its row locks for milliseconds, large enough to finish a day's backlog quickly.
export const RETENTION_BATCH = 5_000;

export interface RetentionResult {
  removed: number;
  /** Why nothing could be done (e.g. the table does not exist yet). */
  skipped?: string;
}

/** Drops daily location_history partitions older than `days`; a no-op until the table exists. */
export async function purgeLocationHistory(
  db: Db,
  days: number,
  now = new Date(),
): Promise<RetentionResult & { dropped: string[] }> {
  const found = await locationHistory.listPartitions(db);
  if (!found) return { removed: 0, dropped: [], skipped: 'location_history does not exist' };
  const dropped = expiredPartitions(found.partitions, now, days);
  for (const name of dropped) await locationHistory.dropPartition(db, found.schema, name);
  return { removed: dropped.length, dropped };
}

export async function purgeIdempotencyKeys(db: Db, hours: number): Promise<RetentionResult> {
  return { removed: await deleteExpiredKeys(db, hours * 3600) };
}

/** Repeats `batch` (each in its own short transaction) until it moves nothing. */
async function drain(db: Db, batch: (tx: Db) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await withTransaction(db, (tx) => batch(tx));
    total += n;
    if (n === 0) return total;
  }
}

export async function purgeReadNotifications(db: Db, days: number, now = new Date()): Promise<RetentionResult> {
  const cutoff = new Date(now.getTime() - days * DAY_MS);
  return { removed: await drain(db, (tx) => notificationRetention.deleteReadBatch(tx, cutoff, RETENTION_BATCH)) };
}

export async function archiveOldEvents(db: Db, days: number, now = new Date()): Promise<RetentionResult> {
  const cutoff = new Date(now.getTime() - days * DAY_MS);
  return { removed: await drain(db, (tx) => archiveEventsBatch(tx, cutoff, RETENTION_BATCH)) };
}
