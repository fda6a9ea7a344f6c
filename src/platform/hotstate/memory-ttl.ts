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
    const expiresAt = ttlMs === undefined ? Infinity : this.now() + ttlMs;
    const entry = this.entries.get(key);
    // In place when the key exists: a heartbeat every few seconds per driver must not leave an object behind each time.
    if (entry) {
      entry.value = value;
      entry.expiresAt = expiresAt;
    } else this.entries.set(key, { value, expiresAt });
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

  /**
   * Read-modify-write in one synchronous step (atomic on the event loop); a non-integer value is an error, as in Redis
   * INCR.
   */
  increment(key: string, ttlMs?: number): number {
    const entry = this.get(key) === null ? undefined : this.entries.get(key);
    const current = entry ? Number(entry.value) : 0;
    if (!Number.isSafeInteger(current)) throw new TypeError(`value at ${key} is not an integer`);
    const next = current + 1;
    this.entries.set(key, {
      value: String(next),
      expiresAt: ttlMs === undefined ? (entry?.expiresAt ?? Infinity) : this.now() + ttlMs,
    });
    return next;
  }

  sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}

interface ListEntry {
  items: string[];
  expiresAt: number;
}

/** Capped lists (newest kept), with the same lazy expiry as TtlStore. */
export class TtlLists {
  private readonly lists = new Map<string, ListEntry>();

  constructor(private readonly now: Clock) {}

  get size(): number {
    return this.lists.size;
  }

  append(key: string, value: string, maxLength: number, ttlMs?: number): void {
    let list = this.live(key);
    if (!list) {
      list = { items: [], expiresAt: Infinity };
      this.lists.set(key, list);
    }
    list.items.push(value);
    if (list.items.length > maxLength) list.items.splice(0, list.items.length - maxLength);
    if (ttlMs !== undefined) list.expiresAt = this.now() + ttlMs;
  }

  read(key: string): string[] {
    return [...(this.live(key)?.items ?? [])];
  }

  sweep(): void {
    const now = this.now();
    for (const [key, list] of this.lists) if (list.expiresAt <= now) this.lists.delete(key);
  }

  private live(key: string): ListEntry | undefined {
    const list = this.lists.get(key);
    if (list && list.expiresAt <= this.now()) {
      this.lists.delete(key);
      return undefined;
    }
    return list;
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

/**
 * Drops events at or before `cutoff` (an event exactly windowMs old has left the window, as in Redis ZREMRANGEBYSCORE).
 */
function prune(times: number[], cutoff: number): void {
  let drop = 0;
  while (drop < times.length && times[drop]! <= cutoff) drop++;
  if (drop > 0) times.splice(0, drop);
}
