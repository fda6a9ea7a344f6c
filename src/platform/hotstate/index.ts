import { describeRedisTarget, type RedisTarget } from '../redis-connection.js';
import type { HotState } from './hotstate.js';
import { MemoryHotState } from './memory.js';
import { RedisHotState, type HotStateLog } from './redis.js';

export type {
  DriverPosition,
  DriverPositionInput,
  HotState,
  HotStateAdapter,
  HotStateHealth,
  NearbyDriver,
  NearestDriversQuery,
} from './hotstate.js';
export { EARTH_RADIUS_M, haversineM } from './geo.js';
export { MemoryHotState, type MemoryHotStateOptions } from './memory.js';
export { RedisHotState, type HotStateLog, type RedisHotStateOptions } from './redis.js';
export { FailoverHotState, withMemoryFallback } from './failover.js';

/** Keeps SmartLine's keys apart from anything else sharing the Redis database. */
export const DEFAULT_KEY_PREFIX = 'sl:';

export interface CreateHotStateOptions {
  /** From config (REDIS_URL or REDIS_SENTINELS); absent ⇒ single-node memory adapter. */
  redis?: RedisTarget;
  keyPrefix?: string;
  log?: HotStateLog;
}

/**
 * Redis when a URL is configured (multi-node), memory otherwise (DESIGN
 * principle 7: `npm start` needs no services). Never throws for an unreachable
 * Redis: the client reconnects in the background and `health()` reports it.
 */
export function createHotState(opts: CreateHotStateOptions = {}): HotState {
  if (opts.redis) {
    opts.log?.info({ adapter: 'redis', redis: describeRedisTarget(opts.redis) }, 'hot state: using redis');
    return new RedisHotState({ redis: opts.redis, keyPrefix: opts.keyPrefix ?? DEFAULT_KEY_PREFIX, log: opts.log });
  }
  opts.log?.info({ adapter: 'memory' }, 'hot state: using in-process memory (single node)');
  return new MemoryHotState();
}
