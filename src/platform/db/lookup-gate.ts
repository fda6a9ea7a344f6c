import type { Logger } from '../observability/logger.js';

/**
 * Postgres look-ups on hot paths (a driver's vehicle class and active trip on
 * the position path, a socket's session on every client event) happen only on
 * a cache miss — but a whole fleet reconnecting after a deploy misses at once.
 * One query per driver (or several: a trip look-up used to be three) behind a
 * small gate took seconds per thousand drivers and held every first fix that
 * long. So misses are batched: keys asked for in
 * the same turn of the event loop (up to `maxBatch`) become ONE query, and
 * the gate runs at most `max` such queries at once, so the pool keeps
 * connections for everything else.
 */
export class LookupGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly max: number,
    private readonly log: Logger,
    readonly maxBatch = 500,
  ) {}

  /** Runs `work` when one of the `max` slots is free. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  /**
   * A loader whose concurrent `load(key)` calls are answered by batched
   * `fetch(keys)` calls through this gate. A failed fetch rejects every
   * `load` of its batch and is logged once (not once per key).
   */
  loader<V>(name: string, fetch: (keys: string[]) => Promise<Map<string, V>>): BatchLoader<V> {
    return new BatchLoader(this, async (keys: string[]) => {
      try {
        return await fetch(keys);
      } catch (err) {
        this.log.warn({ err, lookup: name, keys: keys.length }, 'look-up failed');
        throw err;
      }
    });
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
    if (next)
      next(); // the slot passes straight to the next waiter
    else this.active--;
  }
}

interface Pending<V> {
  key: string;
  resolve(value: V | undefined): void;
  reject(err: unknown): void;
}

export class BatchLoader<V> {
  /** Keys collected or being fetched: a second ask for the same key shares the first one's answer. */
  private readonly inflight = new Map<string, Promise<V | undefined>>();
  private collecting: Array<Pending<V>> = [];

  constructor(
    private readonly gate: LookupGate,
    private readonly fetch: (keys: string[]) => Promise<Map<string, V>>,
  ) {}

  /** The value for `key`, or undefined when the fetch did not return one. */
  load(key: string): Promise<V | undefined> {
    const known = this.inflight.get(key);
    if (known) return known;
    const promise = new Promise<V | undefined>((resolve, reject) => this.collecting.push({ key, resolve, reject }));
    this.inflight.set(key, promise);
    // setImmediate runs after this turn's I/O: every event read in the same poll joins the batch.
    if (this.collecting.length === 1) setImmediate(() => this.dispatch());
    else if (this.collecting.length >= this.gate.maxBatch) this.dispatch();
    return promise;
  }

  private dispatch(): void {
    const batch = this.collecting;
    if (batch.length === 0) return;
    this.collecting = [];
    const keys = batch.map((p) => p.key);
    this.gate
      .run(() => this.fetch(keys))
      .then(
        (found) => batch.forEach((p) => p.resolve(found.get(p.key))),
        (err: unknown) => batch.forEach((p) => p.reject(err)),
      )
      .finally(() => keys.forEach((k) => this.inflight.delete(k)));
  }
}
