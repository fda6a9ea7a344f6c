import type { Socket } from 'socket.io';
import type { Db } from '../../platform/db/database.js';
import type { HotState } from '../../platform/hotstate/index.js';
import type { Logger } from '../../platform/observability/logger.js';
import { FLEET_ROOM } from '../../platform/realtime/emitter.js';
import type { LocalRoom } from '../../platform/realtime/gateway.js';
import { providerCapabilities } from '../providers/index.js';
import { serviceRecords } from '../service-requests/index.js';
import { fleetMap } from '../trips/index.js';
import {
  encodeJob,
  encodeTrip,
  FleetState,
  servicesMask,
  type FleetDelta,
  type FleetReading,
  type FleetSnapshot,
} from './fleet-state.js';

/** Issue 19: the map moves every 1–2 s; one tick per node, whatever the number of consoles. */
export const FLEET_TICK_MS = 1_500;
/** Issue 19: a position older than this is greyed on the map with its age (the console computes it from `at`). */
export const FLEET_STALE_MS = 60_000;
/**
 * Approved services (the map's service filter) change when an admin approves a declaration: rare, so they are
 * re-read this often rather than every tick (one row per provider).
 */
export const FLEET_SERVICES_REFRESH_MS = 10_000;

export interface FleetFeedDeps {
  db: Db;
  hotState: HotState;
  log: Logger;
  room: LocalRoom;
  tickMs?: number;
}

/**
 * The console's live map (`fleet:watch`): one timer per node reads every driver from hot state and the trips and
 * service jobs under way from Postgres (indexed queries), diffs them against what this node last sent, and emits
 * one compact `fleet:delta` of what moved or changed to this node's watching consoles — not one event per location
 * update. A console that joins gets the node's current state in the ack; deltas follow in `seq` order.
 */
export class FleetFeed {
  private readonly state = new FleetState();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private services = { byProvider: new Map<string, number>(), readAt: 0 };

  constructor(private readonly deps: FleetFeedDeps) {}

  get tickMs(): number {
    return this.deps.tickMs ?? FLEET_TICK_MS;
  }

  /** Joins the socket to this node's feed and answers the current picture (read now when the feed was idle). */
  async watch(socket: Socket): Promise<FleetSnapshot & { tickMs: number; staleMs: number }> {
    if (!this.timer) {
      await this.tick();
      this.timer = setInterval(() => void this.tick(), this.tickMs);
      this.timer.unref();
    }
    void socket.join(FLEET_ROOM);
    return { ...this.state.snapshot(), tickMs: this.tickMs, staleMs: FLEET_STALE_MS };
  }

  unwatch(socket: Socket): boolean {
    const was = socket.rooms.has(FLEET_ROOM);
    void socket.leave(FLEET_ROOM);
    return was;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One round; a round still running (slow Redis or Postgres) is not overlapped by the next. */
  tick(): Promise<void> {
    this.ticking ??= this.readAndSend().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async readAndSend(): Promise<void> {
    if (this.timer && this.deps.room.size() === 0) return this.idle();
    let reading: FleetReading;
    try {
      reading = await this.read();
    } catch (err) {
      this.deps.log.warn({ err }, 'fleet feed: tick skipped');
      return;
    }
    const delta: FleetDelta | null = this.state.apply(reading);
    if (delta) this.deps.room.emit('fleet:delta', delta);
  }

  /** Hot state's drivers, and from Postgres the trips and service jobs under way and who holds an offer. */
  private async read(): Promise<FleetReading> {
    const { db, hotState } = this.deps;
    const [drivers, trips, jobs, offered, services] = await Promise.all([
      hotState.listDriverPositions(),
      fleetMap.tripsUnderWay(db),
      serviceRecords.underWay(db),
      fleetMap.offeredDrivers(db),
      this.approvedServices(),
    ]);
    const jobLines = jobs.map((j) =>
      encodeJob({ id: j.id, driverId: j.providerId, status: j.status, kind: 'service_request', target: j.breakdown }),
    );
    return { drivers, trips: [...trips.map(encodeTrip), ...jobLines], offered, services };
  }

  private async approvedServices(): Promise<ReadonlyMap<string, number>> {
    if (Date.now() - this.services.readAt < FLEET_SERVICES_REFRESH_MS) return this.services.byProvider;
    const approved = await providerCapabilities.approvedServiceTypes(this.deps.db);
    const byProvider = new Map([...approved].map(([id, types]) => [id, servicesMask(types)]));
    this.services = { byProvider, readAt: Date.now() };
    return byProvider;
  }

  /** Nobody watches on this node: stop reading, and forget (the next console gets a fresh picture). */
  private idle(): void {
    this.stop();
    this.state.reset();
    this.services = { byProvider: new Map(), readAt: 0 };
  }
}
