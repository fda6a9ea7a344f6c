import type { HttpApp } from '../../platform/http/server.js';
import type { EventBus } from '../../platform/events/bus.js';
import { countTripEvents } from '../trips/index.js';
import { registerMetricsRoute, type MetricsDeps, type MetricsRouteOptions } from './metrics.routes.js';

export { registerMetricsRoute, type MetricsDeps } from './metrics.routes.js';

/**
 * Metrics wiring for a node that builds the app: GET /metrics, and the
 * counters fed by committed domain events. `hotState` is readiness' view
 * (hot state and socket adapter together).
 */
export function installMetrics(app: HttpApp, deps: MetricsDeps & { bus: EventBus }, opts: MetricsRouteOptions) {
  countTripEvents(deps.bus);
  registerMetricsRoute(app, deps, opts);
}
