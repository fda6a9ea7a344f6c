import type { JobQueue } from '../platform/jobs/queue.js';
import { runUnitOfWork } from '../platform/events/unit-of-work.js';
import { AppError, ErrorCode } from '../platform/errors.js';
import { isUniqueViolation } from '../platform/db/transaction.js';
import type { PricedTrip, PricingService } from '../modules/pricing/index.js';
import type { CandidateResult, Dispatcher } from '../modules/dispatch/index.js';
import { expireSearchTask, insertRequestedTrip, viewTrip, type Viewer } from '../modules/trips/index.js';
import type { VehicleClass } from '../shared/index.js';
import { assertCanPay } from '../modules/ledger/index.js';
import type { UnitDeps } from './deps.js';

/** A search with no accepted offer after this long ends as no_drivers (dispatch may end it sooner). */
export const SEARCH_TIMEOUT_MS = 5 * 60_000;
const MAX_SCHEDULE_AHEAD_MS = 30 * 24 * 3600_000;
const MIN_SCHEDULE_AHEAD_MS = 15 * 60_000; // DESIGN: scheduled dispatch starts 15 min before pickup

export interface RequestTripInput {
  pickup: { lat: number; lng: number; address?: string };
  dropoff: { lat: number; lng: number; address?: string };
  stops?: Array<{ lat: number; lng: number; address?: string }>;
  vehicleClass: VehicleClass;
  paymentMethod: 'cash' | 'wallet' | 'card';
  strategy?: 'first_accept' | 'broadcast_bid' | 'sequential';
  quoteId?: string;
  scheduledAt?: string;
}

function parseSchedule(scheduledAt: string | undefined, now: Date): Date | null {
  if (!scheduledAt) return null;
  const at = new Date(scheduledAt);
  const ahead = at.getTime() - now.getTime();
  if (ahead < MIN_SCHEDULE_AHEAD_MS || ahead > MAX_SCHEDULE_AHEAD_MS) {
    throw new AppError(ErrorCode.VALIDATION_ERROR, 'scheduledAt must be between 15 minutes and 30 days ahead', [
      { field: 'body.scheduledAt', message: 'out of range' },
    ]);
  }
  return at;
}

export interface RequestTripDeps extends UnitDeps {
  pricing: PricingService;
  dispatch: Dispatcher;
  jobs: JobQueue;
}

/**
 * Rider requests a trip: price it (from the signed quote when one is given), plan round 1 from hot state, then
 * store the trip with its event, the search timeout and round 1's offers in one transaction (one commit: issue 22
 * measured each round trip); then send the offers and count the demand for surge.
 */
export async function requestTrip(
  deps: RequestTripDeps,
  { rider, request: input }: { rider: Viewer; request: RequestTripInput },
) {
  const now = new Date();
  const scheduledAt = parseSchedule(input.scheduledAt, now);
  const stops = input.stops ?? [];
  const trip = {
    riderId: rider.id,
    pickup: input.pickup,
    dropoff: input.dropoff,
    stops,
    vehicleClass: input.vehicleClass,
  };
  const price = await deps.pricing.priceRequest({
    ...trip,
    quoteId: input.quoteId,
    at: scheduledAt ?? now,
    scheduled: scheduledAt !== null,
  });
  const plan = scheduledAt ? null : await planRound1(deps, rider, input);
  const { row, firstRound } = await insertSearch(deps, { rider, input, scheduledAt, now, price, plan }).catch(
    async (err: unknown) => {
      if (isUniqueViolation(err, 'trips_quote_once')) throw await deps.pricing.quoteExpired('already_used', trip);
      throw err;
    },
  );
  deps.dispatch.afterNewRequest(row, firstRound);
  if (!scheduledAt) void deps.pricing.recordDemand(input.pickup);
  return viewTrip(deps.db, row, rider);
}

/** Round 1's candidates for a ride asked for now (a booked ride's round 1 runs before its pickup). */
function planRound1(deps: RequestTripDeps, rider: Viewer, input: RequestTripInput) {
  const { pickup: point, vehicleClass } = input;
  const job = { kind: 'trip', customerId: rider.id, point, vehicleClass, serviceType: null } as const;
  return deps.dispatch.planFirstRound(job, input.strategy ?? 'first_accept');
}

interface SearchToInsert {
  rider: Viewer;
  input: RequestTripInput;
  scheduledAt: Date | null;
  now: Date;
  price: PricedTrip;
  /** Round 1's candidates, planned before the transaction: round 1 then runs inside it. */
  plan: CandidateResult | null;
}

async function insertSearch(deps: RequestTripDeps, { rider, input, scheduledAt, now, price, plan }: SearchToInsert) {
  return runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
    // API.md: a wallet trip the balance cannot cover is 402 INSUFFICIENT_FUNDS (re-checked at completion).
    if (input.paymentMethod === 'wallet') await assertCanPay(tx, rider.id, price.amount);
    const trip = await insertRequestedTrip(tx, events, {
      rider_id: rider.id,
      status: scheduledAt ? 'scheduled' : 'searching',
      vehicle_class: input.vehicleClass,
      pickup_lat: input.pickup.lat,
      pickup_lng: input.pickup.lng,
      pickup_address: input.pickup.address ?? null,
      dropoff_lat: input.dropoff.lat,
      dropoff_lng: input.dropoff.lng,
      dropoff_address: input.dropoff.address ?? null,
      stops: JSON.stringify(input.stops ?? []),
      payment_method: input.paymentMethod,
      strategy: scheduledAt ? 'scheduled' : (input.strategy ?? 'first_accept'),
      fare_amount: price.amount,
      surge: price.surge,
      commission_bps: price.commissionBps,
      tariff_version: price.tariffVersion,
      quoted_fare: price.amount,
      quoted_distance_m: price.distanceM,
      quoted_duration_s: price.durationS,
      time_multiplier: price.timeMultiplier,
      fare_items: JSON.stringify(price.items),
      quoted_items: JSON.stringify(price.items),
      quote_id: price.quoteId,
      scheduled_at: scheduledAt,
    });
    const runAt = new Date((scheduledAt ?? now).getTime() + SEARCH_TIMEOUT_MS);
    await deps.jobs.enqueue(
      tx,
      expireSearchTask,
      { tripId: trip.id },
      { jobKey: `trip-search-timeout:${trip.id}`, runAt },
    );
    return { row: trip, firstRound: await deps.dispatch.startSearch(tx, trip, { events, plan }) };
  });
}
