/** Expiring maps for the memory adapter: reads check expiry lazily, `sweep` reclaims keys nobody reads again. */

type Clock = () => number;

interface TtlEntry {
  value: string;
  /** Infinity when the value has no TTL. */
  expiresAt: number;
}

export class TtlStore {
  private readonly entries = new Map<string, TtlEntry>();

  constructor(private readonly now: Clock) {}

  get size(): number {
    return this.entries.size;
  }

  set(key: string, value: string, ttlMs?: number): void {
    this.entries.set(key, { value, expiresAt: ttlMs === undefined ? Infinity : this.now() + ttlMs });
  }

  get(key: string): string | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return null;
    }
    return entry.value;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Check-and-set in one synchronous step, so it is atomic on the single event loop. */
  setIfAbsent(key: string, value: string, ttlMs: number): boolean {
    if (this.get(key) !== null) return false;
    this.set(key, value, ttlMs);
    return true;
  }

  sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}

interface Window {
  /** Event times, ascending (the wall clock rarely steps back; a stray late entry only delays its own pruning). */
  times: number[];
  windowMs: number;
}

/** Sliding-window event counts (exact: one timestamp per event, pruned as the window moves). */
export class WindowCounters {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly now: Clock) {}

  get size(): number {
    return this.windows.size;
  }

  increment(key: string, windowMs: number): number {
    const now = this.now();
    let w = this.windows.get(key);
    if (!w) {
      w = { times: [], windowMs };
      this.windows.set(key, w);
    }
    w.windowMs = windowMs;
    prune(w.times, now - windowMs);
    w.times.push(now);
    return w.times.length;
  }

  read(key: string, windowMs: number): number {
    const w = this.windows.get(key);
    if (!w) return 0;
    const cutoff = this.now() - windowMs;
    let n = 0;
    for (let i = w.times.length - 1; i >= 0 && w.times[i]! > cutoff; i--) n++;
    return n;
  }

  sweep(): void {
    const now = this.now();
    for (const [key, w] of this.windows) {
      prune(w.times, now - w.windowMs);
      if (w.times.length === 0) this.windows.delete(key);
    }
  }
}

/** Drops events at or before `cutoff` (an event exactly windowMs old has left the window, as in Redis ZREMRANGEBYSCORE). */
function prune(times: number[], cutoff: number): void {
  let drop = 0;
  while (drop < times.length && times[drop]! <= cutoff) drop++;
  if (drop > 0) times.splice(0, drop);
}
