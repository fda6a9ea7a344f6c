import { getHeapStatistics } from 'node:v8';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import underPressure from '@fastify/under-pressure';
import { Counter } from 'prom-client';
import { AppError, ErrorCode } from '../errors.js';
import { metricsRegistry } from '../observability/metrics.js';
import type { Config } from '../../config.js';

export interface OverloadSettings {
  /** 0 switches a check off. */
  maxEventLoopDelayMs: number;
  /** Share of V8's heap limit. */
  maxHeapRatio: number;
  maxPoolWaitMs: number;
  sampleMs: number;
  retryAfterS: number;
  /** Age of the oldest request queueing for a database connection (Database.poolWaitMs). */
  poolWaitMs: () => number;
}

export function overloadSettings(config: Config, poolWaitMs: () => number): OverloadSettings {
  return {
    maxEventLoopDelayMs: config.OVERLOAD_MAX_EVENT_LOOP_DELAY_MS,
    maxHeapRatio: config.OVERLOAD_MAX_HEAP_RATIO,
    maxPoolWaitMs: config.OVERLOAD_MAX_POOL_WAIT_MS,
    sampleMs: config.OVERLOAD_SAMPLE_MS,
    retryAfterS: config.OVERLOAD_RETRY_AFTER_S,
    poolWaitMs,
  };
}

/** Why a node sheds: the check that is over its threshold. */
export type OverloadReason = 'eventLoopDelay' | 'heapUsedBytes' | 'poolWait';
/** normal; high = over a threshold (HTTP 503s, location fixes shed); severe = twice over (chat shed too). */
export type LoadLevel = 'normal' | 'high' | 'severe';

export interface LoadGauge {
  level(): LoadLevel;
  readonly retryAfterS: number;
}

export const overloadShedTotal = new Counter({
  name: 'smartline_overload_shed_total',
  help: 'HTTP requests answered 503 (source = the check over its threshold) and socket events shed (source = event)',
  labelNames: ['kind', 'source'] as const,
  registers: [metricsRegistry],
});

/** A node past this multiple of a threshold is "severe": it sheds more than location fixes. */
const SEVERE_FACTOR = 2;

const UNDER_PRESSURE_REASON: Record<string, OverloadReason> = {
  eventLoopDelay: 'eventLoopDelay',
  heapUsedBytes: 'heapUsedBytes',
  healthCheck: 'poolWait', // our only custom check
};

/** Probes, metrics and SOS answer however loaded the node is: they are how it is watched and why it exists. */
function isExempt(request: FastifyRequest): boolean {
  const config = request.routeOptions.config;
  return config.plain === true || config.critical === true;
}

export function overloaded(reason: OverloadReason, retryAfterS: number): AppError {
  return new AppError(
    ErrorCode.SERVICE_UNAVAILABLE,
    'Server overloaded, retry later',
    { retryAfter: retryAfterS, reason },
    { 'retry-after': String(retryAfterS) },
  );
}

/**
 * @fastify/under-pressure with our thresholds (event-loop delay, heap, and the
 * database pool's wait time as its custom health check): past any of them the
 * node answers 503 + Retry-After in the API envelope instead of queueing
 * requests until they time out. Returns the load level the socket gateway
 * sheds by.
 */
export async function installOverloadProtection(app: FastifyInstance, s: OverloadSettings): Promise<LoadGauge> {
  const maxHeapUsedBytes = Math.floor(getHeapStatistics().heap_size_limit * s.maxHeapRatio);
  await app.register(underPressure, {
    maxEventLoopDelay: s.maxEventLoopDelayMs,
    maxHeapUsedBytes,
    sampleInterval: s.sampleMs,
    retryAfter: s.retryAfterS,
    ...(s.maxPoolWaitMs > 0
      ? { healthCheck: async () => s.poolWaitMs() <= s.maxPoolWaitMs, healthCheckInterval: s.sampleMs }
      : {}),
    pressureHandler: async (request, _reply, type) => {
      if (isExempt(request)) return;
      const reason = UNDER_PRESSURE_REASON[type] ?? 'eventLoopDelay';
      overloadShedTotal.inc({ kind: 'http', source: reason });
      throw overloaded(reason, s.retryAfterS);
    },
  });
  const ratio = (value: number, max: number) => (max > 0 ? value / max : 0);
  return {
    retryAfterS: s.retryAfterS,
    level() {
      const usage = app.memoryUsage();
      const worst = Math.max(
        ratio(usage.eventLoopDelay, s.maxEventLoopDelayMs),
        ratio(usage.heapUsed, maxHeapUsedBytes),
        ratio(s.poolWaitMs(), s.maxPoolWaitMs),
      );
      if (worst > SEVERE_FACTOR) return 'severe';
      return worst > 1 ? 'high' : 'normal';
    },
  };
}
