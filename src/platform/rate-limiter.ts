import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';

/**
 * The one way to build a limiter: Redis store when a client is given (shared
 * by every node), with an in-process insurance limiter that takes over at
 * once while Redis is down (DESIGN principle 8: degrade, never die).
 */
export function makeLimiter(opts: {
  redis?: Redis;
  keyPrefix: string;
  points: number;
  durationS: number;
}): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ keyPrefix: opts.keyPrefix, points: opts.points, duration: opts.durationS });
  if (!opts.redis) return memory;
  return new RateLimiterRedis({
    storeClient: opts.redis,
    keyPrefix: opts.keyPrefix,
    points: opts.points,
    duration: opts.durationS,
    insuranceLimiter: memory,
    rejectIfRedisNotReady: true,
  });
}
