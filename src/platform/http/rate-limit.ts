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

/** Builds a limiter for one named limit (`apiKey`: the per-integrator-key budget). */
export type LimiterFactory = (name: RateLimitName | 'apiKey', points: number, durationS: number) => RateLimiterAbstract;

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

/**
 * `apiKeyPoints`: an integrator's key has one budget per minute across all
 * routes (server-to-server traffic outgrows per-user limits), keyed by key id.
 */
export function installRateLimits(app: FastifyInstance, opts: { factory: LimiterFactory; disabled: boolean; apiKeyPoints: number }) {
  const limiters = new Map<RateLimitName, RateLimiterAbstract>();
  for (const [name, rule] of Object.entries(RATE_LIMITS)) {
    limiters.set(name as RateLimitName, opts.factory(name as RateLimitName, rule.points, WINDOW_S));
  }
  const apiKeyLimiter = opts.factory('apiKey', opts.apiKeyPoints, WINDOW_S);
  const budgetOf = (request: FastifyRequest, name: RateLimitName) => {
    if (request.apiKey) return { limiter: apiKeyLimiter, points: opts.apiKeyPoints, key: `key:${request.apiKey.id}` };
    const rule = RATE_LIMITS[name];
    return { limiter: limiters.get(name)!, points: rule.points, key: keyFor(request, rule.key) };
  };
  app.addHook('onRequest', async (request, reply) => {
    const cfg = request.routeOptions.config;
    if (opts.disabled || cfg?.plain || cfg?.rateLimit === 'none' || !request.routeOptions.url) return;
    const budget = budgetOf(request, cfg?.rateLimit ?? 'default');
    try {
      setHeaders(reply, budget.points, await budget.limiter.consume(budget.key));
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      setHeaders(reply, budget.points, rejection);
      const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new AppError(ErrorCode.RATE_LIMITED, 'Too many requests', { retryAfter }, { 'retry-after': String(retryAfter) });
    }
  });
}
