import { Counter, Gauge, Histogram } from 'prom-client';
import type { DbHandle } from '../../platform/db/database.js';
import type { EventBus } from '../../platform/events/bus.js';
import { metricsRegistry } from '../../platform/observability/metrics.js';
import { ACTIVE_STATUSES } from './trip-rules.js';
import { countTripsByStatus, type TripRow } from './trips.repo.js';

/** Labels are enums (status, strategy, vehicle class, outcome); never trip or user ids. */
const tripsRequested = new Counter({
  name: 'smartline_trips_requested_total',
  help: 'Trips requested, by strategy and vehicle class',
  labelNames: ['strategy', 'vehicle_class'] as const,
  registers: [metricsRegistry],
});

const statusChanges = new Counter({
  name: 'smartline_trip_status_changes_total',
  help: 'Trip transitions by target status (completed, cancelled, no_drivers, payment_failed, …)',
  labelNames: ['to'] as const,
  registers: [metricsRegistry],
});

const activeTrips = new Gauge({
  name: 'smartline_trips',
  help: 'Trips in each active status right now (requested … started), read on scrape',
  labelNames: ['status'] as const,
  registers: [metricsRegistry],
});

/** Buckets up to 10 min; 60 s is an edge because the match SLO is "80 % within 60 s" (docs/slo.md). */
const timeToMatch = new Histogram({
  name: 'smartline_dispatch_time_to_match_seconds',
  help: 'Trip request → a driver assigned (offer accepted or bid selected), by strategy',
  labelNames: ['strategy'] as const,
  buckets: [1, 2.5, 5, 10, 15, 20, 30, 45, 60, 90, 120, 300, 600],
  registers: [metricsRegistry],
});

export type OfferOutcome = 'accepted' | 'declined' | 'expired' | 'withdrawn';

/** Offers sent are smartline_dispatch_offers_total (dispatch); this is how they ended. */
const offerOutcomes = new Counter({
  name: 'smartline_dispatch_offer_outcomes_total',
  help:
    'Offers closed, by outcome: accepted, declined, expired (not answered in time), withdrawn (another driver ' +
    'won, trip cancelled)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

/** Call after the commit that accepted `trip` (the row as returned by the transition). */
export function recordMatch(trip: Pick<TripRow, 'strategy' | 'created_at' | 'accepted_at'>): void {
  const at = trip.accepted_at ?? new Date();
  timeToMatch.observe({ strategy: trip.strategy }, Math.max(0, at.getTime() - trip.created_at.getTime()) / 1000);
  offerOutcomes.inc({ outcome: 'accepted' });
}

/** Call after the commit that closed `count` offers. */
export function countOfferOutcome(outcome: OfferOutcome, count = 1): void {
  if (count > 0) offerOutcomes.inc({ outcome }, count);
}

/** Counts requests, transitions and withdrawn offers from committed events (every process that commits them). */
export function countTripEvents(bus: EventBus): void {
  bus.on('trip.requested', ({ payload }) =>
    tripsRequested.inc({ strategy: payload.strategy, vehicle_class: payload.vehicleClass }),
  );
  bus.on('trip.status_changed', ({ payload }) => statusChanges.inc({ to: payload.to }));
  bus.on('trip.offers_withdrawn', ({ payload }) => countOfferOutcome('withdrawn', payload.driverIds.length));
}

/** Scrape-time gauge: one GROUP BY over the active trips; throws when the database does. */
export async function collectTripGauges(db: DbHandle): Promise<void> {
  const rows = await countTripsByStatus(db, ACTIVE_STATUSES);
  activeTrips.reset();
  for (const status of ACTIVE_STATUSES) activeTrips.set({ status }, rows.find((r) => r.status === status)?.n ?? 0);
}

export function clearTripGauges(): void {
  activeTrips.reset();
}
