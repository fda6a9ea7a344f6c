/**
 * Postgres look-ups on the position path (a driver's vehicle class, active
 * trip) happen only on a cache miss — but a whole fleet reconnecting after a
 * deploy misses at once. The gate runs at most `max` of them concurrently
 * (the pool keeps connections for everything else) and merges concurrent
 * look-ups of the same key into one query.
 */
export class LookupGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly inflight = new Map<string, Promise<unknown>>();

  constructor(private readonly max: number) {}

  run<T>(key: string, lookup: () => Promise<T>): Promise<T> {
    const pending = this.inflight.get(key);
    if (pending) return pending as Promise<T>;
    const result = this.acquire()
      .then(lookup)
      .finally(() => {
        this.release();
        this.inflight.delete(key);
      });
    this.inflight.set(key, result);
    return result;
  }

  private acquire(): Promise<void> {
    if (this.active < this.max) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next(); // the slot passes straight to the next waiter
    else this.active--;
  }
}
