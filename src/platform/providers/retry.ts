import { setTimeout as sleep } from 'node:timers/promises';

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/**
 * Exponential backoff with "equal jitter" (AWS Architecture Blog, "Exponential
 * Backoff and Jitter"): half of the exponential step is fixed, half random, so
 * retries spread out (no thundering herd after a provider outage) yet never
 * collapse to ~0 ms. `attempt` is 1 for the first retry.
 */
export function backoffDelayMs(attempt: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  const step = Math.min(opts.maxMs, opts.baseMs * 2 ** exponent);
  return Math.round(step / 2 + random() * (step / 2));
}

/**
 * Calls `fn` up to `attempts` times in-process, sleeping a jittered
 * exponential backoff between tries, while `shouldRetry(err)` says so.
 * For short synchronous retries (payments); queued work retries through jobs.
 */
export async function retryWithBackoff<T>(
  fn: (attempt: number) => Promise<T>,
  opts: BackoffOptions & { attempts: number; shouldRetry?: (err: unknown) => boolean },
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= opts.attempts || (opts.shouldRetry && !opts.shouldRetry(err))) throw err;
      await sleep(backoffDelayMs(attempt, opts));
    }
  }
}
