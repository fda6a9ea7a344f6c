import type {
  DriverPosition,
  DriverPositionInput,
  HotState,
  HotStateHealth,
  NearbyDriver,
  NearestDriversQuery,
} from './hotstate.js';
import { MemoryHotState } from './memory.js';
import type { HotStateLog } from './redis.js';

/**
 * DESIGN principle 3: "Redis down ⇒ the node degrades (memory fallback),
 * never dies". While the shared adapter is unhealthy — or a call to it fails
 * — this node answers from its own memory, i.e. it behaves like a single
 * node: positions reported to it, its own counters and sequences. When the
 * shared adapter is back, the local copy is thrown away (drivers re-report
 * within one presence TTL) and the shared state is used again.
 * `health()` keeps reporting the shared adapter, so readiness says `degraded`.
 */
export class FailoverHotState implements HotState {
  private local = new MemoryHotState();
  private degraded = false;

  constructor(
    private readonly shared: HotState,
    private readonly log?: HotStateLog,
  ) {}

  private async run<T>(op: (hs: HotState) => Promise<T>): Promise<T> {
    // Before the first outage is seen, the shared adapter is tried even while it connects (its commands queue).
    if (this.shared.health().ok || !this.degraded) {
      try {
        const result = await op(this.shared);
        if (this.degraded) this.recover();
        return result;
      } catch (err) {
        if (this.shared.health().ok && !isConnectionError(err)) throw err; // a real error, not an outage
        this.degrade(err);
      }
    }
    return op(this.local);
  }

  private degrade(err: unknown): void {
    if (this.degraded) return;
    this.degraded = true;
    this.log?.warn({ err }, 'hot state: shared adapter unavailable, this node serves from memory (single-node mode)');
  }

  private recover(): void {
    this.degraded = false;
    void this.local.close();
    this.local = new MemoryHotState();
    this.log?.info('hot state: shared adapter back; local fallback discarded');
  }

  upsertDriverPosition(p: DriverPositionInput): Promise<void> {
    return this.run((hs) => hs.upsertDriverPosition(p));
  }
  removeDriver(driverId: string): Promise<void> {
    return this.run((hs) => hs.removeDriver(driverId));
  }
  findNearestDrivers(q: NearestDriversQuery): Promise<NearbyDriver[]> {
    return this.run((hs) => hs.findNearestDrivers(q));
  }
  getDriverPosition(driverId: string): Promise<DriverPosition | null> {
    return this.run((hs) => hs.getDriverPosition(driverId));
  }
  listDriverPositions(): Promise<DriverPosition[]> {
    return this.run((hs) => hs.listDriverPositions());
  }
  setDriverAvailability(driverId: string, available: boolean): Promise<void> {
    return this.run((hs) => hs.setDriverAvailability(driverId, available));
  }
  touchPresence(key: string, ttlMs: number): Promise<void> {
    return this.run((hs) => hs.touchPresence(key, ttlMs));
  }
  isPresent(key: string): Promise<boolean> {
    return this.run((hs) => hs.isPresent(key));
  }
  incrementWindowCounter(key: string, windowMs: number): Promise<number> {
    return this.run((hs) => hs.incrementWindowCounter(key, windowMs));
  }
  readWindowCounter(key: string, windowMs: number): Promise<number> {
    return this.run((hs) => hs.readWindowCounter(key, windowMs));
  }
  setValue(key: string, value: string, ttlMs?: number): Promise<void> {
    return this.run((hs) => hs.setValue(key, value, ttlMs));
  }
  getValue(key: string): Promise<string | null> {
    return this.run((hs) => hs.getValue(key));
  }
  deleteValue(key: string): Promise<void> {
    return this.run((hs) => hs.deleteValue(key));
  }
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return this.run((hs) => hs.setIfAbsent(key, value, ttlMs));
  }
  increment(key: string, ttlMs?: number): Promise<number> {
    return this.run((hs) => hs.increment(key, ttlMs));
  }
  appendToList(key: string, value: string, opts: { maxLength: number; ttlMs?: number }): Promise<void> {
    return this.run((hs) => hs.appendToList(key, value, opts));
  }
  readList(key: string): Promise<string[]> {
    return this.run((hs) => hs.readList(key));
  }

  health(): HotStateHealth {
    return this.shared.health();
  }

  async close(): Promise<void> {
    await Promise.all([this.shared.close(), this.local.close()]);
  }
}

/** Connection-level failures (as opposed to a bad argument, which must still surface). */
function isConnectionError(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|Connection is closed|max retries|Stream isn't writeable|transaction aborted/i.test(
    message,
  );
}

/** Wraps a shared (Redis) adapter with the memory fallback; the memory adapter needs none. */
export function withMemoryFallback(hs: HotState, log?: HotStateLog): HotState {
  return hs.health().adapter === 'memory' ? hs : new FailoverHotState(hs, log);
}
