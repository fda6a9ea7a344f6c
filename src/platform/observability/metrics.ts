import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The one Prometheus registry. Modules declare their own metrics next to their
 * code with `registers: [metricsRegistry]`; names start `smartline_` and labels
 * stay bounded (never user or trip ids).
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'smartline_node_' });
