import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from '../../platform/observability/metrics.js';

export const deliveryOutcomes = new Counter({
  name: 'smartline_notification_deliveries_total',
  help: 'Notification delivery attempts by channel and outcome (sent, retry, failed, skipped, token_removed)',
  labelNames: ['channel', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const deliveryLatency = new Histogram({
  name: 'smartline_notification_delivery_seconds',
  help: 'Time from queueing a delivery to its successful send, by channel and priority',
  labelNames: ['channel', 'priority'] as const,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300],
  registers: [metricsRegistry],
});
