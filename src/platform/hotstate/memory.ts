import { assertValidPosition, assertValidQuery } from './geo.js';
import type {
  DriverPosition,
  DriverPositionInput,
  HotState,
  HotStateHealth,
  NearbyDriver,
  NearestDriversQuery,
} from './hotstate.js';
import { GridGeoIndex } from './memory-geo.js';
import { TtlLists, TtlStore, WindowCounters } from './memory-ttl.js';

/** Expired keys are dropped on read; the sweep only bounds memory for keys never read again. */
const SWEEP_INTERVAL_MS = 30_000;

export interface MemoryHotStateOptions {
  /** Injected for tests that need to move time; defaults to Date.now. */
  now?: () => number;
  sweepIntervalMs?: number;
}

/** Single-node adapter: everything lives in this process and is lost on restart. */
export class MemoryHotState implements HotState {
  private readonly now: () => number;
  private readonly geo = new GridGeoIndex();
  private readonly presence: TtlStore;
  private readonly values: TtlStore;
  private readonly counters: WindowCounters;
  private readonly lists: TtlLists;
  private sweeper: NodeJS.Timeout | null;

  constructor(opts: MemoryHotStateOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.presence = new TtlStore(this.now);
    this.values = new TtlStore(this.now);
    this.counters = new WindowCounters(this.now);
    this.lists = new TtlLists(this.now);
    this.sweeper = setInterval(() => this.sweep(), opts.sweepIntervalMs ?? SWEEP_INTERVAL_MS);
    // The sweep is housekeeping: it must never keep the process (or a test run) alive.
    this.sweeper.unref();
  }

  /** Driver count, for metrics. */
  get driverCount(): number {
    return this.geo.size;
  }

  async upsertDriverPosition(p: DriverPositionInput): Promise<void> {
    assertValidPosition(p);
    this.geo.upsert(p);
  }

  async removeDriver(driverId: string): Promise<void> {
    this.geo.remove(driverId);
  }

  async findNearestDrivers(q: NearestDriversQuery): Promise<NearbyDriver[]> {
    assertValidQuery(q);
    return this.geo.findNearest(q, this.now());
  }

  async getDriverPosition(driverId: string): Promise<DriverPosition | null> {
    return this.geo.get(driverId);
  }

  async listDriverPositions(): Promise<DriverPosition[]> {
    return this.geo.all();
  }

  async setDriverAvailability(driverId: string, available: boolean): Promise<void> {
    this.geo.setAvailability(driverId, available);
  }

  async touchPresence(key: string, ttlMs: number): Promise<void> {
    this.presence.set(key, '1', ttlMs);
  }

  async isPresent(key: string): Promise<boolean> {
    return this.presence.get(key) !== null;
  }

  async incrementWindowCounter(key: string, windowMs: number): Promise<number> {
    return this.counters.increment(key, windowMs);
  }

  async readWindowCounter(key: string, windowMs: number): Promise<number> {
    return this.counters.read(key, windowMs);
  }

  async setValue(key: string, value: string, ttlMs?: number): Promise<void> {
    this.values.set(key, value, ttlMs);
  }

  async getValue(key: string): Promise<string | null> {
    return this.values.get(key);
  }

  async deleteValue(key: string): Promise<void> {
    this.values.delete(key);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return this.values.setIfAbsent(key, value, ttlMs);
  }

  async increment(key: string, ttlMs?: number): Promise<number> {
    return this.values.increment(key, ttlMs);
  }

  async appendToList(key: string, value: string, opts: { maxLength: number; ttlMs?: number }): Promise<void> {
    this.lists.append(key, value, opts.maxLength, opts.ttlMs);
  }

  async readList(key: string): Promise<string[]> {
    return this.lists.read(key);
  }

  health(): HotStateHealth {
    return { ok: this.sweeper !== null, adapter: 'memory' };
  }

  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }

  /** Exposed for tests; normally driven by the interval. */
  sweep(): void {
    this.presence.sweep();
    this.values.sweep();
    this.counters.sweep();
    this.lists.sweep();
  }
}
