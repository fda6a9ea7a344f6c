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
  type HistoryRow,
  type LatestPositionRow,
  type RouteWrite,
} from './location.repo.js';
import { locationBuffered, locationDropped, locationFlushFailures, locationFlushSeconds } from './location.metrics.js';
import { compactRoute, extendRoute, type RouteFix } from './route-sampling.js';

/** Bounds memory while Postgres is slow or down: ~5 min of 1,000 drivers at 1 point / 2 s; older points go first. */
export const MAX_BUFFERED_HISTORY = 150_000;
const NO_PARTITION = '23514'; // "no partition of relation … found for row"

/**
 * Positions are acknowledged from hot state; Postgres gets them here, in
 * batches: one multi-row upsert of last-known positions, one multi-row
 * history insert and one route transaction per flush, every ≤ 5 s. A failed
 * step keeps its rows for the next flush (positions keep only the newest).
 */
export class LocationBuffer {
  private latest = new Map<string, LatestPositionRow>();
  private stops = new Map<string, number>();
  private history: HistoryRow[] = [];
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
    if (!current || current.recordedAt <= row.recordedAt) this.latest.set(row.driverId, row);
    const stoppedAt = this.stops.get(row.driverId);
    if (stoppedAt !== undefined && stoppedAt <= row.recordedAt) this.stops.delete(row.driverId);
  }

  recordHistory(rows: HistoryRow[]): void {
    for (const row of rows) this.history.push(row);
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

  /** Writes everything buffered so far; concurrent callers share the order (one flush at a time). */
  flush(): Promise<void> {
    this.chain = this.chain.then(() => this.flushOnce()).catch((err: unknown) => this.deps.log.error({ err }, 'location flush crashed'));
    return this.chain;
  }

  private trimHistory(): void {
    const excess = this.history.length - MAX_BUFFERED_HISTORY;
    if (excess > 0) {
      this.history.splice(0, excess);
      locationDropped.inc(excess);
    }
    locationBuffered.set(this.history.length);
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
    this.routes = new Map();
    locationBuffered.set(0);
    const end = locationFlushSeconds.startTimer();
    await Promise.all([
      this.step('positions', () => this.writePositions(latest, stops), () => this.requeuePositions(latest, stops)),
      this.step('history', () => this.writeHistory(history), () => this.requeueHistory(history)),
      this.step('routes', () => this.writeRoutes(routes), () => this.requeueRoutes(routes)),
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

  private async writePositions(latest: LatestPositionRow[], stops: Array<{ driverId: string; stoppedAt: number }>): Promise<void> {
    await upsertDriverLocations(this.deps.db, latest);
    await stampStopped(this.deps.db, stops);
  }

  private async writeHistory(rows: HistoryRow[]): Promise<void> {
    if (rows.length === 0) return;
    try {
      await insertHistory(this.deps.db, rows);
    } catch (err) {
      if (pgCode(err) !== NO_PARTITION) throw err;
      // The maintenance job has not created this day yet (first start, long outage): create and retry once.
      const days = new Set(rows.map((r) => Math.floor(r.recordedAt / 86_400_000)));
      for (const day of days) await createHistoryPartition(this.deps.db, new Date(day * 86_400_000));
      await insertHistory(this.deps.db, rows);
    }
  }

  private async writeRoutes(routes: Map<string, RouteFix[]>): Promise<void> {
    if (routes.size === 0) return;
    await withTransaction(this.deps.db, async (tx) => {
      const headers = await lockRouteHeaders(tx, [...routes.keys()]);
      const ready: RouteWrite[] = [];
      const overflowing: RouteWrite[] = [];
      for (const [tripId, fixes] of routes) {
        const { write, needsFullPoints } = extendRoute(headers.get(tripId) ?? null, tripId, [...fixes].sort((a, b) => a.at - b.at));
        (needsFullPoints ? overflowing : ready).push(write);
      }
      const stored = await readRoutePoints(tx, overflowing.map((w) => w.tripId));
      for (const w of overflowing) ready.push(compactRoute(w, stored.get(w.tripId) ?? []));
      await updateRoutes(tx, ready.filter((w) => headers.has(w.tripId)));
      await insertRoutes(tx, ready.filter((w) => !headers.has(w.tripId)));
    });
  }

  private requeuePositions(latest: LatestPositionRow[], stops: Array<{ driverId: string; stoppedAt: number }>): void {
    for (const row of latest) this.recordPosition(row);
    for (const s of stops) if (!this.stops.has(s.driverId)) this.stops.set(s.driverId, s.stoppedAt);
  }

  private requeueHistory(rows: HistoryRow[]): void {
    this.history = rows.concat(this.history);
    this.trimHistory();
  }

  private requeueRoutes(routes: Map<string, RouteFix[]>): void {
    for (const [tripId, fixes] of routes) this.routes.set(tripId, fixes.concat(this.routes.get(tripId) ?? []));
  }
}
