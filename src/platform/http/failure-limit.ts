import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError, ErrorCode } from '../errors.js';
import type { LimiterFactory } from './rate-limit.js';

/**
 * Failed credentials per client IP (bad bearer tokens, API keys, metrics
 * tokens): after `points` failures in the window, that IP is answered 429
 * before its next credential is even looked up (each costs a DB read or a
 * signature check). Successes are not counted.
 */
export class IpFailureLimit {
  constructor(
    private readonly limiter: RateLimiterAbstract,
    private readonly opts: { points: number; disabled: boolean },
  ) {}

  /** 429 when the IP has used up its failures. */
  async assertAllowed(ip: string): Promise<void> {
    if (this.opts.disabled) return;
    const res = await this.limiter.get(ip);
    if (res && res.consumedPoints >= this.opts.points) {
      const retryAfter = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
      throw new AppError(
        ErrorCode.RATE_LIMITED,
        'Too many failed authentication attempts',
        { retryAfter },
        { 'retry-after': String(retryAfter) },
      );
    }
  }

  async recordFailure(ip: string): Promise<void> {
    if (this.opts.disabled) return;
    await this.limiter.penalty(ip);
  }
}

/** Failures are counted per minute, like the route limits. */
const FAILURE_WINDOW_S = 60;

/** An IP failure budget from the app's one limiter factory (shared across nodes when Redis is there). */
export function ipFailureLimit(
  factory: LimiterFactory,
  opts: { name: 'authFailures' | 'metricsAuth'; perMinute: number; disabled: boolean },
): IpFailureLimit {
  return new IpFailureLimit(factory(opts.name, opts.perMinute, FAILURE_WINDOW_S), {
    points: opts.perMinute,
    disabled: opts.disabled,
  });
}
