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

/**
 * Every shared counter besides the route table: `apiKey` the per-integrator
 * budget, `authFailures`/`metricsAuth` failed credentials per IP, `chat` per
 * sender and room, `login…`/`otp…` the lockouts (src/platform/failure-lockout.ts).
 */
export type LimiterName =
  | RateLimitName
  | 'apiKey'
  | 'authFailures'
  | 'metricsAuth'
  | 'chat'
  | 'loginAttempts'
  | 'loginStrikes'
  | 'otpAttempts'
  | 'otpStrikes';

/** Builds a limiter for one named counter; one factory per app so every node counts in the same store. */
export type LimiterFactory = (name: LimiterName, points: number, durationS: number) => RateLimiterAbstract;

/** Limits shared by every node through Redis when a client is given, per process otherwise. */
export function limiterFactory(opts: { redis?: Redis; keyPrefix: string }): LimiterFactory {
  return (name, points, durationS) =>
    makeLimiter({ redis: opts.redis, keyPrefix: `${opts.keyPrefix}rl:${name}`, points, durationS });
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

interface Budget {
  limiter: RateLimiterAbstract;
  points: number;
  key: string;
}

/**
 * `apiKeyPoints`: an integrator's key has one budget per minute across all
 * routes (server-to-server traffic outgrows per-user limits), keyed by key id.
 * Per-IP limits (login, signup) still apply to a request carrying a key: a
 * key is no licence to guess passwords at 600/min.
 */
export function installRateLimits(
  app: FastifyInstance,
  opts: { factory: LimiterFactory; disabled: boolean; apiKeyPoints: number },
) {
  const limiters = new Map<RateLimitName, RateLimiterAbstract>();
  for (const [name, rule] of Object.entries(RATE_LIMITS)) {
    limiters.set(name as RateLimitName, opts.factory(name as RateLimitName, rule.points, WINDOW_S));
  }
  const apiKeyLimiter = opts.factory('apiKey', opts.apiKeyPoints, WINDOW_S);
  const budgetsOf = (request: FastifyRequest, name: RateLimitName): Budget[] => {
    const rule = RATE_LIMITS[name];
    const route = { limiter: limiters.get(name)!, points: rule.points, key: keyFor(request, rule.key) };
    if (!request.apiKey) return [route];
    const key = { limiter: apiKeyLimiter, points: opts.apiKeyPoints, key: `key:${request.apiKey.id}` };
    return rule.key === 'ip' ? [route, key] : [key];
  };
  app.addHook('onRequest', async (request, reply) => {
    const cfg = request.routeOptions.config;
    if (opts.disabled || cfg?.plain || cfg?.rateLimit === 'none' || !request.routeOptions.url) return;
    // The first budget is the binding one for the headers (the route's own, when it is per IP).
    const [first, ...rest] = budgetsOf(request, cfg?.rateLimit ?? 'default');
    await consume(reply, first!, true);
    for (const budget of rest) await consume(reply, budget, false);
  });
}

async function consume(reply: FastifyReply, budget: Budget, headers: boolean) {
  try {
    const res = await budget.limiter.consume(budget.key);
    if (headers) setHeaders(reply, budget.points, res);
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    setHeaders(reply, budget.points, rejection);
    const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    throw new AppError(
      ErrorCode.RATE_LIMITED,
      'Too many requests',
      { retryAfter },
      { 'retry-after': String(retryAfter) },
    );
  }
}
