/**
 * The HotState port (DESIGN.md principle 3): live driver positions, presence,
 * window counters and small TTL values. Two adapters implement it — `memory`
 * (single node, the default) and `redis` (multi-node) — and both must pass the
 * same contract suite in test/hotstate/hotstate.contract.ts.
 *
 * Nothing here is a source of truth: everything can be lost on restart and is
 * rebuilt from driver heartbeats within one presence TTL.
 */

/** A driver's reported position. `at` is epoch ms of the fix (freshness is judged on it). */
export interface DriverPositionInput {
  driverId: string;
  lat: number;
  lng: number;
  heading?: number | null;
  /** Opaque to hot state; the pricing catalogue owns the list of classes. */
  vehicleClass: string;
  available: boolean;
  at: number;
}

/** Last-known state of a driver as stored in the geo index. */
export interface DriverPosition {
  driverId: string;
  lat: number;
  lng: number;
  heading: number | null;
  vehicleClass: string;
  available: boolean;
  at: number;
}

export interface NearestDriversQuery {
  lat: number;
  lng: number;
  radiusM: number;
  limit: number;
  vehicleClass?: string;
  /** Positions whose `at` is older than now − freshWithinMs are ignored. */
  freshWithinMs: number;
  onlyAvailable?: boolean;
  excludeIds?: string[];
}

export interface NearbyDriver {
  driverId: string;
  lat: number;
  lng: number;
  heading: number | null;
  vehicleClass: string;
  /** Great-circle distance from the query point (see geo.ts for the radius used). */
  distanceM: number;
  at: number;
}

export type HotStateAdapter = 'memory' | 'redis';

export interface HotStateHealth {
  ok: boolean;
  adapter: HotStateAdapter;
}

export interface HotState {
  /** Inserts or moves a driver (last write wins; callers drop out-of-order fixes). */
  upsertDriverPosition(p: DriverPositionInput): Promise<void>;
  removeDriver(driverId: string): Promise<void>;
  /**
   * Drivers within `radiusM`, nearest first (ties by driverId), at most `limit`.
   * Results are exact for the stored coordinates: both adapters agree with a
   * brute-force haversine scan.
   */
  findNearestDrivers(q: NearestDriversQuery): Promise<NearbyDriver[]>;
  getDriverPosition(driverId: string): Promise<DriverPosition | null>;
  /** Every driver in the index, in no order (the console's live map reads it once per tick per node). */
  listDriverPositions(): Promise<DriverPosition[]>;
  /** No-op for a driver that is not in the index (it must send a position first). */
  setDriverAvailability(driverId: string, available: boolean): Promise<void>;

  /** Marks `key` present for `ttlMs` (heartbeat); presence and values are separate keyspaces. */
  touchPresence(key: string, ttlMs: number): Promise<void>;
  isPresent(key: string): Promise<boolean>;

  /**
   * Records one event now and returns how many events `key` saw in the last
   * `windowMs` (sliding window, this one included). Use one windowMs per key.
   */
  incrementWindowCounter(key: string, windowMs: number): Promise<number>;
  /** Same count without recording an event. */
  readWindowCounter(key: string, windowMs: number): Promise<number>;

  /** Without `ttlMs` the value lives until deleted (or the hot state is lost). */
  setValue(key: string, value: string, ttlMs?: number): Promise<void>;
  getValue(key: string): Promise<string | null>;
  deleteValue(key: string): Promise<void>;
  /** Atomic across all nodes: exactly one concurrent caller gets `true` (dedupe, locks). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /**
   * Adds 1 to the integer value at `key` (absent = 0) and returns the result;
   * atomic across nodes, so every concurrent caller gets a different number
   * (per-room event sequences). `getValue` reads it as a decimal string.
   * `ttlMs` (re)starts its expiry; without it an existing expiry is kept.
   */
  increment(key: string, ttlMs?: number): Promise<number>;

  /**
   * Appends to the list at `key`, keeping only the newest `maxLength` items
   * (replay logs); `ttlMs` restarts the list's expiry. Lists are their own keyspace.
   */
  appendToList(key: string, value: string, opts: { maxLength: number; ttlMs?: number }): Promise<void>;
  /** The list at `key`, oldest first; [] when absent or expired. */
  readList(key: string): Promise<string[]>;

  health(): HotStateHealth;
  close(): Promise<void>;
}
