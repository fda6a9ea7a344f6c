import CircuitBreaker from 'opossum';
import { Gauge } from 'prom-client';
import { metricsRegistry } from '../observability/metrics.js';
import { ProviderTimeoutError, isPermanentProviderError } from './errors.js';

export interface BreakerSettings {
  errorThresholdPercentage: number;
  resetTimeoutMs: number;
  /** Calls in the rolling window before the breaker may open at all. */
  volumeThreshold: number;
  rollingWindowMs: number;
}

// Seed plan 001 ("Circuit breaker"): 50 % errors opens, half-open after 30 s.
export const BREAKER_DEFAULTS: BreakerSettings = {
  errorThresholdPercentage: 50,
  resetTimeoutMs: 30_000,
  volumeThreshold: 5,
  rollingWindowMs: 10_000,
};

export type BreakerState = 'closed' | 'half_open' | 'open';
const STATE_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

const breakerStateGauge = new Gauge({
  name: 'smartline_circuit_breaker_state',
  help: 'Circuit breaker state per provider: 0 closed, 1 half-open, 2 open',
  labelNames: ['provider'] as const,
  registers: [metricsRegistry],
});

type Task = (signal: AbortSignal) => Promise<unknown>;
type Breaker = CircuitBreaker<[Task, number, string], unknown>;

/** Runs `task` with an abort signal that fires after `timeoutMs` (a hung provider is cut off, not awaited). */
async function runWithTimeout(task: Task, timeoutMs: number, provider: string): Promise<unknown> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new ProviderTimeoutError(provider, timeoutMs);
      controller.abort(err);
      reject(err);
    }, timeoutMs);
  });
  try {
    return await Promise.race([task(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One opossum breaker per provider name, created on first use. Timeouts are
 * handled here (with an AbortSignal) rather than by opossum so that a hung
 * HTTP request is actually aborted. Permanent provider errors (4xx) do not
 * count as failures: the provider is up, the request was bad.
 */
export class BreakerRegistry {
  private readonly breakers = new Map<string, Breaker>();
  private settings: BreakerSettings = { ...BREAKER_DEFAULTS };

  /** New settings apply to breakers created afterwards; existing ones are replaced. */
  configure(settings: Partial<BreakerSettings>) {
    this.settings = { ...this.settings, ...settings };
    this.reset();
  }

  get resetTimeoutMs() {
    return this.settings.resetTimeoutMs;
  }

  async run<T>(name: string, fn: (signal: AbortSignal) => Promise<T>, opts: { timeoutMs: number }): Promise<T> {
    return (await this.breaker(name).fire(fn, opts.timeoutMs, name)) as T;
  }

  state(name: string): BreakerState {
    const b = this.breakers.get(name);
    if (!b) return 'closed';
    return b.opened ? 'open' : b.halfOpen ? 'half_open' : 'closed';
  }

  /** Drops every breaker (tests, reconfiguration); gauges go back to closed. */
  reset() {
    for (const [name, b] of this.breakers) {
      b.shutdown();
      breakerStateGauge.set({ provider: name }, STATE_VALUE.closed);
    }
    this.breakers.clear();
  }

  private breaker(name: string): Breaker {
    let b = this.breakers.get(name);
    if (b) return b;
    const s = this.settings;
    b = new CircuitBreaker<[Task, number, string], unknown>(runWithTimeout, {
      name,
      timeout: false,
      errorThresholdPercentage: s.errorThresholdPercentage,
      resetTimeout: s.resetTimeoutMs,
      volumeThreshold: s.volumeThreshold,
      rollingCountTimeout: s.rollingWindowMs,
      rollingCountBuckets: 10,
      enableSnapshots: false,
      errorFilter: (err) => isPermanentProviderError(err),
    });
    const set = (state: BreakerState) => breakerStateGauge.set({ provider: name }, STATE_VALUE[state]);
    b.on('open', () => set('open'));
    b.on('halfOpen', () => set('half_open'));
    b.on('close', () => set('closed'));
    set('closed');
    this.breakers.set(name, b);
    return b;
  }
}

/** The process-wide registry: one breaker per provider, shared by notifications and payments. */
export const breakers = new BreakerRegistry();

/**
 * Calls a provider through its circuit breaker with a hard timeout. While the
 * breaker is open the call fails fast (error code EOPENBREAKER) without
 * touching the provider; after `resetTimeoutMs` one trial call is let through.
 */
export function withBreaker<T>(
  name: string,
  fn: (signal: AbortSignal) => Promise<T>,
  opts: { timeoutMs: number },
): Promise<T> {
  return breakers.run(name, fn, opts);
}
