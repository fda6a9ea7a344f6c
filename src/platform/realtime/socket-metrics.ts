import { Counter, Gauge, Histogram } from 'prom-client';
import { metricsRegistry } from '../observability/metrics.js';

/** Seed 000 "Metrics": connects, emits by event, errors by type, handler latency. Labels are bounded. */
export const socketConnections = new Gauge({
  name: 'smartline_socket_connections',
  help: 'Open Socket.IO connections on this node',
  registers: [metricsRegistry],
});

export const socketConnectAttempts = new Counter({
  name: 'smartline_socket_connect_attempts_total',
  help: 'Socket.IO handshakes by outcome',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

export const socketEvents = new Counter({
  name: 'smartline_socket_events_total',
  help: 'Client events handled, by event name and ack code (ok or an error code)',
  labelNames: ['event', 'code'] as const,
  registers: [metricsRegistry],
});

export const socketHandlerSeconds = new Histogram({
  name: 'smartline_socket_handler_seconds',
  help: 'Time from receiving a client event to its ack',
  labelNames: ['event'] as const,
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  registers: [metricsRegistry],
});

export const socketEmits = new Counter({
  name: 'smartline_socket_emits_total',
  help: 'Server events emitted to rooms, by event name',
  labelNames: ['event'] as const,
  registers: [metricsRegistry],
});

export const socketSyncs = new Counter({
  name: 'smartline_socket_syncs_total',
  help: 'sync requests by answer (events, snapshot)',
  labelNames: ['answer'] as const,
  registers: [metricsRegistry],
});
