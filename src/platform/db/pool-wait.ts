import type pg from 'pg';

/**
 * How long callers have been queueing for a connection of one pool: the age
 * of the oldest `connect()` still pending, 0 when nobody waits. It is the
 * overload signal for a database-bound node: it grows while the pool is
 * saturated (long before the 3 s connect timeout turns waits into errors) and
 * drops to 0 the moment the queue drains.
 */
export class PoolWaitTracker {
  private readonly pending = new Set<number>();

  constructor(private readonly pool: pg.Pool) {}

  async connect(): Promise<pg.PoolClient> {
    const startedAt = performance.now();
    this.pending.add(startedAt);
    try {
      return await this.pool.connect();
    } finally {
      this.pending.delete(startedAt);
    }
  }

  /** Age of the oldest pending connect, in milliseconds. */
  oldestWaitMs(now = performance.now()): number {
    // A Set iterates in insertion order: its first entry is the oldest waiter.
    for (const startedAt of this.pending) return now - startedAt;
    return 0;
  }
}
