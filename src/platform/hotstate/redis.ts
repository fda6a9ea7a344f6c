import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';
import { createRedisClient, type RedisTarget } from '../redis-connection.js';
import { assertValidPosition, assertValidQuery } from './geo.js';
import type {
  DriverPosition,
  DriverPositionInput,
  HotState,
  HotStateHealth,
  NearbyDriver,
  NearestDriversQuery,
} from './hotstate.js';
import { RedisGeoIndex } from './redis-geo.js';

export type HotStateLog = Pick<Logger, 'info' | 'warn'>;

export interface RedisHotStateOptions {
  /** A client the caller owns (and closes), or a URL / target for a client this adapter owns. */
  redis: Redis | RedisTarget | string;
  /** Namespaces every key, e.g. `sl:`; tests use a unique one per run. */
  keyPrefix: string;
  log?: HotStateLog;
}

/**
 * A command issued while Redis is down fails after one reconnect attempt
 * instead of queueing for ~20: callers degrade (DESIGN principle 8) rather
 * than hang a request. Disconnecting a link that already dropped arms a
 * (non-unref'd) destroy timer in ioredis; 2 s by default would hold up shutdown.
 */
const OWNED_CLIENT_OPTIONS = { maxRetriesPerRequest: 1, enableAutoPipelining: true, disconnectTimeout: 200 } as const;

/** Redis PX needs a positive integer; sub-millisecond TTLs round up so a key never lives "forever". */
const toPx = (ttlMs: number) => Math.max(1, Math.ceil(ttlMs));

/** The reply of command `index` in a MULTI, or its error (an aborted transaction is an error too). */
function execReply(replies: Array<[Error | null, unknown]> | null, index: number): unknown {
  const [err, value] = replies?.[index] ?? [new Error('hot state: transaction aborted'), null];
  if (err) throw err;
  return value;
}

/** Multi-node adapter. Positions/presence/counters are shared by every API node and worker. */
export class RedisHotState implements HotState {
  private readonly redis: Redis;
  private readonly ownsClient: boolean;
  private readonly geo: RedisGeoIndex;
  /** Makes window-counter members unique across nodes that record an event in the same millisecond. */
  private readonly nodeTag = randomBytes(6).toString('hex');
  private eventSeq = 0;
  private degraded = false;

  constructor(private readonly opts: RedisHotStateOptions) {
    this.ownsClient = !(opts.redis instanceof Redis);
    this.redis = opts.redis instanceof Redis ? opts.redis : RedisHotState.connect(opts.redis);
    if (this.ownsClient) this.watchConnection();
    this.geo = new RedisGeoIndex(this.redis, opts.keyPrefix);
  }

  private static connect(target: RedisTarget | string): Redis {
    const resolved: RedisTarget = typeof target === 'string' ? { kind: 'server', url: target } : target;
    return createRedisClient(resolved, OWNED_CLIENT_OPTIONS);
  }

  /** An owned client must have an error listener, and operators want one line per outage, not per retry. */
  private watchConnection(): void {
    this.redis.on('error', (err: Error) => {
      if (this.degraded) return;
      this.degraded = true;
      this.opts.log?.warn({ err }, 'hot state: redis unavailable, callers degrade until it returns');
    });
    this.redis.on('ready', () => {
      if (!this.degraded) return;
      this.degraded = false;
      this.opts.log?.info('hot state: redis connection restored');
    });
  }

  private key(kind: 'pr' | 'wc' | 'kv' | 'ls', key: string): string {
    return `${this.opts.keyPrefix}${kind}:${key}`;
  }

  async upsertDriverPosition(p: DriverPositionInput): Promise<void> {
    assertValidPosition(p);
    await this.geo.upsert(p);
  }

  async removeDriver(driverId: string): Promise<void> {
    await this.geo.remove(driverId);
  }

  async findNearestDrivers(q: NearestDriversQuery): Promise<NearbyDriver[]> {
    assertValidQuery(q);
    return this.geo.findNearest(q, Date.now());
  }

  async getDriverPosition(driverId: string): Promise<DriverPosition | null> {
    return this.geo.get(driverId);
  }

  async listDriverPositions(): Promise<DriverPosition[]> {
    return this.geo.all();
  }

  async setDriverAvailability(driverId: string, available: boolean): Promise<void> {
    await this.geo.setAvailability(driverId, available);
  }

  async touchPresence(key: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.key('pr', key), '1', 'PX', toPx(ttlMs));
  }

  async isPresent(key: string): Promise<boolean> {
    return (await this.redis.exists(this.key('pr', key))) === 1;
  }

  /**
   * A sorted set of event timestamps: trim, add, count and refresh the expiry
   * in one MULTI so concurrent nodes never see a half-applied update. Time is
   * this node's clock (NTP-synced nodes differ by ms; windows are minutes).
   */
  async incrementWindowCounter(key: string, windowMs: number): Promise<number> {
    const k = this.key('wc', key);
    const now = Date.now();
    const member = `${now}:${this.nodeTag}:${this.eventSeq++}`;
    const replies = await this.redis
      .multi()
      .zremrangebyscore(k, '-inf', now - windowMs)
      .zadd(k, now, member)
      .zcard(k)
      .pexpire(k, toPx(windowMs))
      .exec();
    const [err, count] = replies?.[2] ?? [new Error('hot state: window counter transaction aborted'), 0];
    if (err) throw err;
    return Number(count);
  }

  async readWindowCounter(key: string, windowMs: number): Promise<number> {
    return this.redis.zcount(this.key('wc', key), `(${Date.now() - windowMs}`, '+inf');
  }

  async setValue(key: string, value: string, ttlMs?: number): Promise<void> {
    if (ttlMs === undefined) await this.redis.set(this.key('kv', key), value);
    else await this.redis.set(this.key('kv', key), value, 'PX', toPx(ttlMs));
  }

  async getValue(key: string): Promise<string | null> {
    return this.redis.get(this.key('kv', key));
  }

  async deleteValue(key: string): Promise<void> {
    await this.redis.del(this.key('kv', key));
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.key('kv', key), value, 'PX', toPx(ttlMs), 'NX')) === 'OK';
  }

  /** INCR and the expiry in one MULTI: a counter never outlives its TTL because a node died in between. */
  async increment(key: string, ttlMs?: number): Promise<number> {
    const k = this.key('kv', key);
    if (ttlMs === undefined) return this.redis.incr(k);
    return Number(execReply(await this.redis.multi().incr(k).pexpire(k, toPx(ttlMs)).exec(), 0));
  }

  async appendToList(key: string, value: string, opts: { maxLength: number; ttlMs?: number }): Promise<void> {
    const k = this.key('ls', key);
    const tx = this.redis.multi().rpush(k, value).ltrim(k, -Math.max(1, opts.maxLength), -1);
    if (opts.ttlMs !== undefined) tx.pexpire(k, toPx(opts.ttlMs));
    execReply(await tx.exec(), 0);
  }

  async readList(key: string): Promise<string[]> {
    return this.redis.lrange(this.key('ls', key), 0, -1);
  }

  health(): HotStateHealth {
    return { ok: this.redis.status === 'ready', adapter: 'redis' };
  }

  /** Closes only a client this adapter created; a shared client belongs to its creator. */
  async close(): Promise<void> {
    if (!this.ownsClient || this.redis.status === 'end') return;
    // QUIT would wait for a reconnect that may never come; a broken link is simply dropped.
    if (this.redis.status !== 'ready') return this.redis.disconnect();
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }
}
