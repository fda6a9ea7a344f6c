import { createHmac, randomBytes } from 'node:crypto';
import type { Socket } from 'socket.io';
import type { Db } from '../../platform/db/database.js';
import type { HotState, NearbyDriver } from '../../platform/hotstate/index.js';
import type { Logger } from '../../platform/observability/logger.js';
import { FRESH_POSITION_MS } from '../../shared/index.js';
import type { NearbyWatchInput } from './location.schema.js';
import { allOpenFlaggedDrivers } from './fraud-flags.repo.js';
import { nearbyWatchTicks } from './location.metrics.js';

/** docs/api.md: `nearby:update` every 3–5 s while watching. */
export const NEARBY_TICK_MS = 3_000;
/** Markers per update: enough for a rider's map, bounded for a crowded centre. */
const MAX_MARKERS = 30;
/** As in GET /location/nearby: riders see driver coordinates rounded to 3 decimals (~100 m). */
const DECIMALS = 3;
/** How stale this node's list of fraud-flagged drivers may be: one small query per interval, not per tick. */
const FLAGGED_REFRESH_MS = 15_000;

interface Watch {
  socket: Socket;
  query: NearbyWatchInput;
  /** Per-watch key: marker ids are stable while the watch lasts and cannot be linked across watches. */
  salt: Buffer;
  stopOnDisconnect: () => void;
}

const round = (v: number) => Math.round(v * 10 ** DECIMALS) / 10 ** DECIMALS;

/**
 * Riders' live map of nearby cars (`nearby:watch`). One timer per node reads
 * hot state only — positions and availability live there — so watching costs
 * no Postgres query per tick. Watches that share a rounded centre, radius and
 * class share one geo query per tick. Fraud-flagged drivers are left out from
 * a per-node list read at most every 15 s.
 */
export class NearbyWatchers {
  private readonly watches = new Map<string, Watch>();
  private timer: NodeJS.Timeout | undefined;
  private flagged: { ids: Set<string>; readAt: number } = { ids: new Set(), readAt: 0 };

  constructor(private readonly deps: { db?: Db; hotState: HotState; log: Logger; tickMs?: number }) {}

  get size(): number {
    return this.watches.size;
  }

  /** One watch per socket: a new one replaces the old; it ends with `nearby:unwatch` or the disconnect. */
  watch(socket: Socket, query: NearbyWatchInput): { tickMs: number } {
    this.unwatch(socket);
    const stopOnDisconnect = () => this.unwatch(socket);
    socket.once('disconnect', stopOnDisconnect);
    const watch: Watch = { socket, query, salt: randomBytes(16), stopOnDisconnect };
    this.watches.set(socket.id, watch);
    this.ensureTimer();
    void this.sendTo([watch]); // the map fills at once, not one tick later
    return { tickMs: this.tickMs };
  }

  unwatch(socket: Socket): boolean {
    const watch = this.watches.get(socket.id);
    if (!watch) return false;
    socket.off('disconnect', watch.stopOnDisconnect);
    this.watches.delete(socket.id);
    if (this.watches.size === 0) this.stop();
    return true;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private get tickMs(): number {
    return this.deps.tickMs ?? NEARBY_TICK_MS;
  }

  private ensureTimer() {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.tickMs);
    this.timer.unref();
  }

  /** One round of updates to every watch. */
  tick(): Promise<void> {
    return this.sendTo([...this.watches.values()]);
  }

  /** A hot-state failure skips this round for the watches it concerns. */
  private async sendTo(watches: Watch[]): Promise<void> {
    const at = new Date().toISOString();
    const flagged = await this.flaggedDrivers();
    const queries = new Map<string, Promise<NearbyDriver[]>>();
    await Promise.all(
      watches.map(async (w) => {
        const key = areaKey(w.query);
        let found = queries.get(key);
        if (!found) queries.set(key, (found = this.findAround(w.query)));
        try {
          const drivers = (await found).filter((d) => !flagged.has(d.driverId)).map((d) => markerFor(w, d));
          // The reads above are async: the watch may have ended (unwatch, a new watch, disconnect) meanwhile.
          if (this.watches.get(w.socket.id) !== w) return;
          w.socket.emit('nearby:update', { drivers, at });
          nearbyWatchTicks.inc({ outcome: 'sent' });
        } catch (err) {
          nearbyWatchTicks.inc({ outcome: 'failed' });
          this.deps.log.warn({ err }, 'nearby watch: tick skipped');
        }
      }),
    );
  }

  private async flaggedDrivers(): Promise<Set<string>> {
    const { db } = this.deps;
    if (!db || Date.now() - this.flagged.readAt < FLAGGED_REFRESH_MS) return this.flagged.ids;
    try {
      this.flagged = { ids: await allOpenFlaggedDrivers(db), readAt: Date.now() };
    } catch (err) {
      this.deps.log.warn({ err }, 'nearby watch: flagged drivers not refreshed');
    }
    return this.flagged.ids;
  }

  private findAround(q: NearbyWatchInput): Promise<NearbyDriver[]> {
    return this.deps.hotState.findNearestDrivers({
      lat: round(q.lat),
      lng: round(q.lng),
      radiusM: q.radiusKm * 1000,
      limit: MAX_MARKERS,
      vehicleClass: q.vehicleClass,
      freshWithinMs: FRESH_POSITION_MS,
      onlyAvailable: true,
    });
  }
}

function areaKey(q: NearbyWatchInput): string {
  return `${round(q.lat)},${round(q.lng)},${q.radiusKm},${q.vehicleClass ?? '*'}`;
}

function markerFor(w: Watch, d: NearbyDriver) {
  return {
    id: createHmac('sha256', w.salt).update(d.driverId).digest('base64url').slice(0, 16),
    lat: round(d.lat),
    lng: round(d.lng),
    heading: d.heading,
    vehicleClass: d.vehicleClass,
  };
}
