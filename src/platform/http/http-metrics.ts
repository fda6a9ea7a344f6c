import type { FastifyInstance } from 'fastify';
import { Histogram } from 'prom-client';
import { metricsRegistry } from '../observability/metrics.js';

/** Requests no route matched share one label value, so probing random URLs cannot grow the series. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Request latency by route pattern, method and status. 0.5 s is a bucket edge
 * because the API p95 SLO is 500 ms (docs/slo.md); `_count` by status_code is
 * the request/error rate.
 */
export const httpRequestSeconds = new Histogram({
  name: 'smartline_http_request_duration_seconds',
  help: 'HTTP request duration by route pattern (not URL), method and status code',
  labelNames: ['method', 'route', 'status_code'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

export function installHttpMetrics(app: FastifyInstance) {
  app.addHook('onResponse', (request, reply, done) => {
    // The pattern (/api/v1/trips/:id), never the URL: ids in a label would make it unbounded.
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    httpRequestSeconds.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
}
