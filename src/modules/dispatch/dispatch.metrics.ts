import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from '../../platform/observability/metrics.js';

export const roundsTotal = new Counter({
  name: 'smartline_dispatch_rounds_total',
  help: 'Dispatch rounds by strategy and outcome (offered, empty, waiting, selecting, no_drivers)',
  labelNames: ['strategy', 'outcome'] as const,
  registers: [metricsRegistry],
});
export const offersTotal = new Counter({
  name: 'smartline_dispatch_offers_total',
  help: 'Offers sent to drivers',
  labelNames: ['strategy'] as const,
  registers: [metricsRegistry],
});
export const firstOfferSeconds = new Histogram({
  name: 'smartline_dispatch_time_to_first_offer_seconds',
  help: 'Trip request committed → first trip:offer emitted',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
  registers: [metricsRegistry],
});
