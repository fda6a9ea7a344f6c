import type { HttpApp } from '../../platform/http/server.js';
import type { Platform } from '../../platform/runtime.js';
import { countTripEvents } from '../trips/index.js';
import { registerMetricsRoute, type MetricsRouteOptions } from './metrics.routes.js';

export { registerMetricsRoute, metricsTokenMatches, type MetricsRouteOptions } from './metrics.routes.js';
export { collectScrapeGauges } from './scrape.js';

/**
 * Metrics wiring for a node that builds the app: GET /metrics, and the
 * counters fed by committed domain events. `hotState` is readiness' view
 * (hot state and socket adapter together).
 */
export function installMetrics(app: HttpApp, platform: Platform, opts: MetricsRouteOptions) {
  countTripEvents(platform.bus);
  registerMetricsRoute(app, platform, opts);
}
