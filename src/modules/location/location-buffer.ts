import type { Db } from '../../platform/db/database.js';
import { pgCode, withTransaction } from '../../platform/db/transaction.js';
import type { Logger } from '../../platform/observability/logger.js';
import {
  createHistoryPartition,
  insertHistory,
  insertRoutes,
  lockRouteHeaders,
  readRoutePoints,
  stampStopped,
  updateRoutes,
  upsertDriverLocations,
  type LatestPositionRow,
  type RouteWrite,
} from './location.repo.js';
import { locationBuffered, locationDropped, locationFlushFailures, locationFlushSeconds } from './location.metrics.js';
import { compactRoute, extendRoute, type RouteFix } from './route-sampling.js';
import { HistoryChunk, type HistoryFix } from './history-chunk.js';

/** Bounds memory while Postgres is slow or down: ~5 min of 1,000 drivers at 1 point / 2 s; older points go first. */
export const MAX_BUFFERED_HISTORY = 150_000;
const NO_PARTITION = '23514'; // "no partition of relation … found for row"

/**
 * Positions are acknowledged from hot state; Postgres gets them here, in
 * batches: one multi-row upsert of last-known positions, one history insert
 * per chunk of 5,000 points and one route transaction per flush, every ≤ 5 s.
 * A failed step keeps its rows for the next flush (positions keep only the
 * newest). Nothing here costs more than O(1) per point on the ingest path,
 * even when Postgres is down and the buffer is full.
 */
export class LocationBuffer {
  private latest = new Map<string, LatestPositionRow>();
  private stops = new Map<string, number>();
  /** Oldest first; only the last chunk takes new points. */
  private history: HistoryChunk[] = [];
  private historyPoints = 0;
  private routes = new Map<string, RouteFix[]>();
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly deps: { db: Db; log: Logger; intervalMs: number }) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.deps.intervalMs);
    this.timer.unref(); // housekeeping must never keep a process alive
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  recordPosition(row: LatestPositionRow): void {
    const current = this.latest.get(row.driverId);
    // Updating the buffered row in place: the caller's object dies young instead of living until the flush.
    if (!current) this.latest.set(row.driverId, row);
    else if (current.recordedAt <= row.recordedAt) Object.assign(current, row);
    const stoppedAt = this.stops.get(row.driverId);
    if (stoppedAt !== undefined && stoppedAt <= row.recordedAt) this.stops.delete(row.driverId);
  }

  recordHistory(driverId: string, tripId: string | null, fixes: HistoryFix[]): void {
    for (const fix of fixes) {
      let chunk = this.history[this.history.length - 1];
      if (!chunk || chunk.full) this.history.push((chunk = new HistoryChunk()));
      chunk.push(driverId, tripId, fix);
    }
    this.historyPoints += fixes.length;
    this.trimHistory();
  }

  recordRoute(tripId: string, fixes: RouteFix[]): void {
    if (fixes.length === 0) return;
    const list = this.routes.get(tripId) ?? [];
    for (const f of fixes) list.push(f);
    this.routes.set(tripId, list);
  }

  recordStop(driverId: string, at: number): void {
    this.stops.set(driverId, at);
  }

  hasRoutePoints(tripId: string): boolean {
    return this.routes.has(tripId);
  }

  /** Resolves when the flush in flight (if any) has written what it took from the buffer. */
  settled(): Promise<void> {
    return this.chain;
  }

  /** Writes everything buffered so far; concurrent callers share the order (one flush at a time). */
  flush(): Promise<void> {
    this.chain = this.chain
      .then(() => this.flushOnce())
      .catch((err: unknown) => this.deps.log.error({ err }, 'location flush crashed'));
    return this.chain;
  }

  /** Whole oldest chunks go: at most one chunk over the bound, and no per-point shifting of a long array. */
  private trimHistory(): void {
    while (this.history.length > 1 && this.historyPoints - this.history[0]!.length >= MAX_BUFFERED_HISTORY) {
      const dropped = this.history.shift()!;
      this.historyPoints -= dropped.length;
      locationDropped.inc(dropped.length);
    }
    locationBuffered.set(this.historyPoints);
  }

  private async flushOnce(): Promise<void> {
    const latest = [...this.latest.values()];
    const stops = [...this.stops].map(([driverId, stoppedAt]) => ({ driverId, stoppedAt }));
    const history = this.history;
    const routes = this.routes;
    if (latest.length + stops.length + history.length + routes.size === 0) return;
    this.latest = new Map();
    this.stops = new Map();
    this.history = [];
    this.historyPoints = 0;
    this.routes = new Map();
    locationBuffered.set(0);
    const end = locationFlushSeconds.startTimer();
    await Promise.all([
      this.step(
        'positions',
        () => this.writePositions(latest, stops),
        () => this.requeuePositions(latest, stops),
      ),
      this.writeHistory(history),
      this.step(
        'routes',
        () => this.writeRoutes(routes),
        () => this.requeueRoutes(routes),
      ),
    ]);
    end();
  }

  private async step(name: string, write: () => Promise<void>, requeue: () => void): Promise<void> {
    try {
      await write();
    } catch (err) {
      locationFlushFailures.inc();
      this.deps.log.warn({ err, step: name }, 'location flush failed; kept for the next flush');
      requeue();
    }
  }

  private async writePositions(
    latest: LatestPositionRow[],
    stops: Array<{ driverId: string; stoppedAt: number }>,
  ): Promise<void> {
    await upsertDriverLocations(this.deps.db, latest);
    await stampStopped(this.deps.db, stops);
  }

  /** Chunk by chunk (each statement stays small); from the first failure on, the rest goes back to the buffer. */
  private async writeHistory(chunks: HistoryChunk[]): Promise<void> {
    for (let i = 0; i < chunks.length; i++) {
      let failed = false;
      await this.step(
        'history',
        () => this.writeChunk(chunks[i]!),
        () => {
          failed = true;
          this.requeueHistory(chunks.slice(i));
        },
      );
      if (failed) return;
    }
  }

  private async writeChunk(chunk: HistoryChunk): Promise<void> {
    try {
      await insertHistory(this.deps.db, chunk);
    } catch (err) {
      if (pgCode(err) !== NO_PARTITION) throw err;
      // The maintenance job has not created this day yet (first start, long outage): create and retry once.
      const days = new Set(chunk.at.map((at) => Math.floor(at / 86_400_000)));
      for (const day of days) await createHistoryPartition(this.deps.db, new Date(day * 86_400_000));
      await insertHistory(this.deps.db, chunk);
    }
  }

  private async writeRoutes(routes: Map<string, RouteFix[]>): Promise<void> {
    if (routes.size === 0) return;
    await withTransaction(this.deps.db, async (tx) => {
      const headers = await lockRouteHeaders(tx, [...routes.keys()]);
      const ready: RouteWrite[] = [];
      const overflowing: RouteWrite[] = [];
      for (const [tripId, fixes] of routes) {
        const { write, needsFullPoints } = extendRoute(
          headers.get(tripId) ?? null,
          tripId,
          [...fixes].sort((a, b) => a.at - b.at),
        );
        (needsFullPoints ? overflowing : ready).push(write);
      }
      const stored = await readRoutePoints(
        tx,
        overflowing.map((w) => w.tripId),
      );
      for (const w of overflowing) ready.push(compactRoute(w, stored.get(w.tripId) ?? []));
      await updateRoutes(
        tx,
        ready.filter((w) => headers.has(w.tripId)),
      );
      await insertRoutes(
        tx,
        ready.filter((w) => !headers.has(w.tripId)),
      );
    });
  }

  private requeuePositions(latest: LatestPositionRow[], stops: Array<{ driverId: string; stoppedAt: number }>): void {
    for (const row of latest) this.recordPosition(row);
    for (const s of stops) if (!this.stops.has(s.driverId)) this.stops.set(s.driverId, s.stoppedAt);
  }

  private requeueHistory(chunks: HistoryChunk[]): void {
    this.history = chunks.concat(this.history);
    this.historyPoints += chunks.reduce((n, c) => n + c.length, 0);
    this.trimHistory();
  }

  private requeueRoutes(routes: Map<string, RouteFix[]>): void {
    for (const [tripId, fixes] of routes) this.routes.set(tripId, fixes.concat(this.routes.get(tripId) ?? []));
  }
}
