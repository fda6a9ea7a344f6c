import type { Socket } from 'socket.io';
import type { Db } from '../../platform/db/database.js';
import type { DriverPosition, HotState } from '../../platform/hotstate/index.js';
import type { Logger } from '../../platform/observability/logger.js';
import { FLEET_ROOM } from '../../platform/realtime/emitter.js';
import type { LocalRoom } from '../../platform/realtime/gateway.js';
import { fleetMap, type TripOnMap } from '../trips/index.js';
import { encodeTrip, FleetState, type FleetDelta, type FleetSnapshot } from './fleet-state.js';

/** Issue 19: the map moves every 1–2 s; one tick per node, whatever the number of consoles. */
export const FLEET_TICK_MS = 1_500;
/** Issue 19: a position older than this is greyed on the map with its age (the console computes it from `at`). */
export const FLEET_STALE_MS = 60_000;

export interface FleetFeedDeps {
  db: Db;
  hotState: HotState;
  log: Logger;
  room: LocalRoom;
  tickMs?: number;
}

/**
 * The console's live map (`fleet:watch`): one timer per node reads every driver from hot state and the trips under
 * way from Postgres (one indexed query), diffs them against what this node last sent, and emits one compact
 * `fleet:delta` of what moved or changed to this node's watching consoles — not one event per location update.
 * A console that joins gets the node's current state in the ack; deltas follow in `seq` order.
 */
export class FleetFeed {
  private readonly state = new FleetState();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;

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
    let drivers: DriverPosition[];
    let trips: TripOnMap[];
    let offered: Set<string>;
    try {
      [drivers, trips, offered] = await Promise.all([
        this.deps.hotState.listDriverPositions(),
        fleetMap.tripsUnderWay(this.deps.db),
        fleetMap.offeredDrivers(this.deps.db),
      ]);
    } catch (err) {
      this.deps.log.warn({ err }, 'fleet feed: tick skipped');
      return;
    }
    const delta: FleetDelta | null = this.state.apply({ drivers, trips: trips.map(encodeTrip), offered });
    if (delta) this.deps.room.emit('fleet:delta', delta);
  }

  /** Nobody watches on this node: stop reading, and forget (the next console gets a fresh picture). */
  private idle(): void {
    this.stop();
    this.state.reset();
  }
}
