import type { DbHandle } from '../../platform/db/database.js';
import { afterTransactionEnds } from '../../platform/db/transaction.js';
import type { TripRow } from './trips.repo.js';

/**
 * Issue 22: GET /trips/:id is polled by every rider app, and its Postgres read was most of its cost. On a single
 * node (memory mode: every writer of `trips` is in this process) the node keeps the rows it read, and is never
 * staler than Postgres as a client could notice:
 * - a trip write marks the trip "being written" before its statement runs and unmarks it once its transaction has
 *   ended (withTransaction's after-end hook), i.e. before the flow replies or publishes the new state;
 * - while a trip is marked, reads go to Postgres and keep nothing (a reader could otherwise see the committed
 *   state there, then an older kept row here);
 * - a read keeps its row only if no write began or ended for that trip while it read.
 * With Redis (several nodes) another node's write cannot mark this node first, so the routes do not use it.
 * ENTRY_TTL_MS bounds how long a row written outside the app (psql, a restore) could be shown.
 */
export const ENTRY_TTL_MS = 5_000;
/** A write through a transaction not opened by withTransaction has no end hook: it stays marked this long. */
const UNTRACKED_WRITE_MS = 60_000;
const MAX_ENTRIES = 50_000;

interface Kept {
  row: TripRow;
  at: number;
}

/** A read in flight: a write to its trip that begins or ends meanwhile makes its row not worth keeping. */
interface PendingRead {
  overtaken: boolean;
}

const kept = new Map<string, Kept>();
const writers = new Map<string, number>();
const pendingReads = new Map<string, Set<PendingRead>>();

function touch(tripId: string) {
  kept.delete(tripId);
  for (const read of pendingReads.get(tripId) ?? []) read.overtaken = true;
}

function endWrite(tripId: string) {
  const left = (writers.get(tripId) ?? 1) - 1;
  if (left > 0) writers.set(tripId, left);
  else writers.delete(tripId);
  touch(tripId);
}

/**
 * Marks the trip as being written by a statement about to run on `db`; the mark goes when the statement's
 * transaction ends. Call it before every statement that changes a trip row. Returns what to call once the
 * statement has run: it ends the mark at once when `db` is not a transaction (the statement committed on its own).
 */
export function beginTripWrite(db: DbHandle, tripId: string): () => void {
  writers.set(tripId, (writers.get(tripId) ?? 0) + 1);
  touch(tripId);
  if (!db.isTransaction) return () => endWrite(tripId);
  if (!afterTransactionEnds(db, () => endWrite(tripId))) setTimeout(() => endWrite(tripId), UNTRACKED_WRITE_MS).unref();
  return () => {};
}

function keep(tripId: string, row: TripRow) {
  if (kept.size >= MAX_ENTRIES) kept.delete(kept.keys().next().value!);
  kept.set(tripId, { row, at: Date.now() });
}

/** The trip row as `load` reads it from Postgres, or as kept from an earlier read that no write has overtaken. */
export async function readTripRow(
  tripId: string,
  load: () => Promise<TripRow | undefined>,
): Promise<TripRow | undefined> {
  if (writers.has(tripId)) return load();
  const hit = kept.get(tripId);
  if (hit && Date.now() - hit.at < ENTRY_TTL_MS) return hit.row;
  const read: PendingRead = { overtaken: false };
  const reads = pendingReads.get(tripId) ?? new Set();
  pendingReads.set(tripId, reads.add(read));
  try {
    const row = await load();
    if (row && !read.overtaken) keep(tripId, row);
    return row;
  } finally {
    reads.delete(read);
    if (reads.size === 0) pendingReads.delete(tripId);
  }
}
