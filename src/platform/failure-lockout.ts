import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError, ErrorCode } from './errors.js';

/**
 * How long a lock is remembered when growing the next one (a day: an attacker who waits it out starts again at the
 * base).
 */
const STRIKE_MEMORY_S = 24 * 3600;
const MAX_STRIKES = 1_000;

export interface LockoutPolicy {
  /** Attempts allowed per window before the key locks. */
  freeAttempts: number;
  /** Window over which attempts are counted (from the first one). */
  windowS: number;
  /** First lock; each further lock within a day doubles it, up to `maxBlockS`. */
  baseBlockS: number;
  maxBlockS: number;
  /** What a locked caller is told (RATE_LIMITED, OTP_LOCKED…). */
  code: ErrorCode;
  message: string;
}

/** Builds the two stores a lockout needs; the HTTP limiter factory, so every node shares them through Redis. */
export type LockoutStores = (points: number, durationS: number, role: 'attempts' | 'strikes') => RateLimiterAbstract;

/** One attempt in progress: tell the lockout how it ended. */
export interface LockoutAttempt {
  /** A correct secret: the key starts clean. */
  succeeded(): Promise<void>;
  /** A wrong secret: the seconds of the lock this failure started, or null while attempts remain. */
  failed(): Promise<number | null>;
}

/**
 * Consecutive-failure lockout with exponential backoff (rate-limiter-flexible's
 * "login endpoint protection" recipe). The attempt is counted BEFORE the secret
 * is checked, so a burst of parallel guesses cannot slip past the count; a
 * success deletes it. Used for logins per phone and ride OTPs per trip.
 */
export class FailureLockout {
  private readonly attempts: RateLimiterAbstract;
  private readonly strikes: RateLimiterAbstract;

  constructor(
    stores: LockoutStores,
    private readonly policy: LockoutPolicy,
  ) {
    this.attempts = stores(policy.freeAttempts, policy.windowS, 'attempts');
    this.strikes = stores(MAX_STRIKES, STRIKE_MEMORY_S, 'strikes');
  }

  private locked(msBeforeNext: number): AppError {
    const retryAfter = Math.max(1, Math.ceil(msBeforeNext / 1000));
    return new AppError(this.policy.code, this.policy.message, { retryAfter }, { 'retry-after': String(retryAfter) });
  }

  /** Throws the policy's 429 while `key` is locked; otherwise counts one attempt. */
  async begin(key: string): Promise<LockoutAttempt> {
    let res: RateLimiterRes;
    try {
      res = await this.attempts.consume(key);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      throw this.locked(rejection.msBeforeNext);
    }
    return {
      succeeded: async () => {
        await Promise.all([this.attempts.delete(key), this.strikes.delete(key)]);
      },
      failed: async () => (res.remainingPoints > 0 ? null : this.lock(key)),
    };
  }

  private async lock(key: string): Promise<number> {
    const strikes = await this.strikes.penalty(key);
    const seconds = Math.min(
      this.policy.maxBlockS,
      this.policy.baseBlockS * 2 ** Math.min(30, strikes.consumedPoints - 1),
    );
    await this.attempts.block(key, seconds);
    return seconds;
  }

  /** The error a caller gets for the failure that started a lock of `seconds`. */
  lockedFor(seconds: number): AppError {
    return this.locked(seconds * 1000);
  }
}
