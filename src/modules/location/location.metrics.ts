import { Counter, Gauge, Histogram } from 'prom-client';
import { metricsRegistry } from '../../platform/observability/metrics.js';

/** Seed 000 dashboards: "location updates rate". Labels are bounded enums. */
export const locationUpdates = new Counter({
  name: 'smartline_location_updates_total',
  help: 'Driver positions received, by source and outcome (accepted, coalesced, stale, dropped by GPS hygiene)',
  labelNames: ['source', 'outcome'] as const,
  registers: [metricsRegistry],
});

const updateChildren = new Map<string, Map<string, Counter.Internal>>();

/** locationUpdates.inc for one fix, through a child resolved once per (source, outcome): both labels are enums. */
export function countLocationUpdate(source: string, outcome: string): void {
  let bySource = updateChildren.get(source);
  if (!bySource) updateChildren.set(source, (bySource = new Map()));
  let child = bySource.get(outcome);
  if (!child) bySource.set(outcome, (child = locationUpdates.labels(source, outcome)));
  child.inc();
}

export const locationFlushSeconds = new Histogram({
  name: 'smartline_location_flush_seconds',
  help: 'Time to write one batch of buffered positions, history and route points to Postgres',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

export const locationBuffered = new Gauge({
  name: 'smartline_location_buffered_points',
  help: "History points waiting in this node's buffer for the next flush",
  registers: [metricsRegistry],
});

export const locationDropped = new Counter({
  name: 'smartline_location_dropped_points_total',
  help: 'History points dropped because the buffer was full (Postgres slow or down)',
  registers: [metricsRegistry],
});

export const locationFlushFailures = new Counter({
  name: 'smartline_location_flush_failures_total',
  help: 'Flushes that failed and were put back for the next attempt',
  registers: [metricsRegistry],
});

export const nearbyWatchTicks = new Counter({
  name: 'smartline_nearby_watch_updates_total',
  help: 'nearby:update messages to watching riders, by outcome (sent, failed: hot state did not answer)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

/** Issue 16 point 3: fixes the GPS hygiene rules refused, by why (speed = impossible jump, accuracy, mock). */
export const locationFixesDropped = new Counter({
  name: 'smartline_location_fixes_dropped_total',
  help: 'Driver positions dropped by GPS hygiene, by source and reason (speed, accuracy, mock)',
  labelNames: ['source', 'reason'] as const,
  registers: [metricsRegistry],
});
