import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from '../../platform/observability/metrics.js';

export const sosAlerts = new Counter({
  name: 'smartline_sos_alerts_total',
  help: 'SOS triggers: created = a new alert, repeat = pressed again while one is open',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

export const sosEscalations = new Counter({
  name: 'smartline_sos_escalations_total',
  help: 'SOS escalation rounds (unacknowledged alerts)',
  registers: [metricsRegistry],
});

export const sosPersistSeconds = new Histogram({
  name: 'smartline_sos_persist_seconds',
  help: 'Time to persist an SOS alert and queue its fan-out (what the caller waits for)',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [metricsRegistry],
});

export const safetyEvents = new Counter({
  name: 'smartline_safety_events_total',
  help: 'Ride safety events recorded (after dedupe), by kind',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
});
