import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError, ErrorCode } from '../../platform/errors.js';
import type { HotStateHealth } from '../../platform/hotstate/index.js';
import type { IpFailureLimit } from '../../platform/http/failure-limit.js';
import type { HttpApp } from '../../platform/http/server.js';
import { metricsRegistry } from '../../platform/observability/metrics.js';
import { collectScrapeGauges, type ScrapeDeps } from './scrape.js';

const BEARER = /^Bearer (.+)$/;

/**
 * Constant time: both sides are hashed to 32 bytes first, so neither the
 * content nor the length of the expected token leaks through timing.
 */
export function metricsTokenMatches(header: string | undefined, expected: string): boolean {
  const given = BEARER.exec(header ?? '')?.[1] ?? '';
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected)) && given.length > 0;
}

/** GET /metrics: Prometheus text for whoever holds METRICS_TOKEN (API.md "Operations"). */
export interface MetricsDeps extends ScrapeDeps {
  /** METRICS_TOKEN */
  metricsToken: string;
}

export interface MetricsRouteOptions {
  hotState: () => HotStateHealth;
  /** Wrong tokens per IP: guessing METRICS_TOKEN runs into 429. */
  guard: IpFailureLimit;
}

export function registerMetricsRoute(app: HttpApp, deps: MetricsDeps, opts: MetricsRouteOptions) {
  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics',
        tags: ['ops'],
        description: 'Prometheus metrics; `Authorization: Bearer $METRICS_TOKEN`',
      },
      config: { plain: true, errors: [ErrorCode.UNAUTHENTICATED, ErrorCode.RATE_LIMITED] },
    },
    async (request, reply) => {
      await opts.guard.assertAllowed(request.ip);
      if (!metricsTokenMatches(request.headers.authorization, deps.metricsToken)) {
        await opts.guard.recordFailure(request.ip);
        throw new AppError(ErrorCode.UNAUTHENTICATED, 'Missing or invalid metrics token');
      }
      await collectScrapeGauges(deps, opts.hotState);
      return reply.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
    },
  );
}
