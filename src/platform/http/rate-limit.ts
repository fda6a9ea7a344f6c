import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError, ErrorCode } from '../errors.js';
import { makeLimiter } from '../rate-limiter.js';

/** API.md's rate-limit table: points per 60 s window, keyed by IP or user. */
export const RATE_LIMITS = {
  login: { points: 10, key: 'ip' },
  signup: { points: 5, key: 'ip' },
  tripCreate: { points: 5, key: 'user' },
  driverResponse: { points: 30, key: 'user' },
  tripStatus: { points: 20, key: 'user' },
  locationUpdate: { points: 20, key: 'user' },
  nearby: { points: 60, key: 'user' },
  estimate: { points: 30, key: 'user' },
  default: { points: 120, key: 'userOrIp' },
} as const satisfies Record<string, { points: number; key: 'ip' | 'user' | 'userOrIp' }>;

export type RateLimitName = keyof typeof RATE_LIMITS;
const WINDOW_S = 60;

/** Builds a limiter for one named limit. */
export type LimiterFactory = (name: RateLimitName, points: number, durationS: number) => RateLimiterAbstract;

/** Limits shared by every node through Redis when a client is given, per process otherwise. */
export function limiterFactory(opts: { redis?: Redis; keyPrefix: string }): LimiterFactory {
  return (name, points, durationS) => makeLimiter({ redis: opts.redis, keyPrefix: `${opts.keyPrefix}rl:${name}`, points, durationS });
}

function setHeaders(reply: FastifyReply, limit: number, res: RateLimiterRes) {
  void reply.header('x-ratelimit-limit', String(limit));
  void reply.header('x-ratelimit-remaining', String(Math.max(0, res.remainingPoints)));
  void reply.header('x-ratelimit-reset', String(Math.ceil(res.msBeforeNext / 1000)));
}

function keyFor(request: FastifyRequest, kind: 'ip' | 'user' | 'userOrIp'): string {
  if (kind === 'ip') return `ip:${request.ip}`;
  return request.user ? `user:${request.user.id}` : `ip:${request.ip}`;
}

export function installRateLimits(app: FastifyInstance, opts: { factory: LimiterFactory; disabled: boolean }) {
  const limiters = new Map<RateLimitName, RateLimiterAbstract>();
  for (const [name, rule] of Object.entries(RATE_LIMITS)) {
    limiters.set(name as RateLimitName, opts.factory(name as RateLimitName, rule.points, WINDOW_S));
  }
  app.addHook('onRequest', async (request, reply) => {
    const cfg = request.routeOptions.config;
    if (opts.disabled || cfg?.plain || cfg?.rateLimit === 'none' || !request.routeOptions.url) return;
    const name = cfg?.rateLimit ?? 'default';
    const rule = RATE_LIMITS[name];
    try {
      setHeaders(reply, rule.points, await limiters.get(name)!.consume(keyFor(request, rule.key)));
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      setHeaders(reply, rule.points, rejection);
      const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new AppError(ErrorCode.RATE_LIMITED, 'Too many requests', { retryAfter }, { 'retry-after': String(retryAfter) });
    }
  });
}
