import { repricingReason, type FareReason, type PricingService } from '../modules/pricing/index.js';
import { itemsTotal, type FareItem } from '../modules/pricing/index.js';
import { stopWaitingMinutes, type TripRow } from '../modules/trips/index.js';
import type { VehicleClass } from '../shared/index.js';

export interface FinalFareDeps {
  pricing: Pick<PricingService, 'reprice' | 'stopWaitingCharge'>;
}

/** What completion writes on the trip when the quote no longer stands. */
export interface FinalFare {
  fare_amount: number;
  fare_items: string;
  fare_reason: FareReason | null;
}

/**
 * Issue 15 #3: the rider pays the quoted amount unless the destination
 * changed, a stop was added, or the ride went > 25 % further or > 50 % longer
 * than quoted; then it is re-priced with the trip's own tariff version, time
 * multiplier and surge over what was actually driven. Null when the quote
 * stands, and for trips priced before the quoted figures were kept.
 */
export async function finalFare(
  deps: FinalFareDeps,
  trip: TripRow,
  ride: { travelledM: number; now: Date },
): Promise<FinalFare | null> {
  return withStopWaiting(deps, trip, ride.now, await repricedFare(deps, trip, ride));
}

/** The trip's stored lines when they add up to its fare, else one base line (older trips). */
function linesOf(trip: TripRow): FareItem[] {
  const stored = Array.isArray(trip.fare_items) ? (trip.fare_items as FareItem[]) : null;
  return stored && itemsTotal(stored) === trip.fare_amount ? stored : [{ code: 'base', amount: trip.fare_amount }];
}

/**
 * Issue 16 #7: waiting at stops beyond 3 free minutes each is one more line,
 * `stop_waiting`, on top of the quoted or re-priced fare.
 */
async function withStopWaiting(
  deps: FinalFareDeps,
  trip: TripRow,
  now: Date,
  fare: FinalFare | null,
): Promise<FinalFare | null> {
  const minutes = stopWaitingMinutes(trip, now);
  if (minutes === 0) return fare;
  const vehicleClass = trip.vehicle_class as VehicleClass;
  const charge = await deps.pricing.stopWaitingCharge({ vehicleClass, tariffVersion: trip.tariff_version, minutes });
  if (charge === 0) return fare;
  const items: FareItem[] = fare ? (JSON.parse(fare.fare_items) as FareItem[]) : linesOf(trip);
  return {
    fare_amount: (fare?.fare_amount ?? trip.fare_amount) + charge,
    fare_items: JSON.stringify([...items, { code: 'stop_waiting', amount: charge }]),
    fare_reason: fare?.fare_reason ?? null,
  };
}

async function repricedFare(
  deps: FinalFareDeps,
  trip: TripRow,
  ride: { travelledM: number; now: Date },
): Promise<FinalFare | null> {
  if (trip.quoted_fare === null || trip.time_multiplier === null) return null;
  const durationS = trip.started_at ? Math.max(0, (ride.now.getTime() - trip.started_at.getTime()) / 1000) : null;
  const reason = repricingReason({
    routeChange: trip.route_change,
    quotedDistanceM: trip.quoted_distance_m,
    quotedDurationS: trip.quoted_duration_s,
    actualDistanceM: ride.travelledM,
    actualDurationS: durationS,
  });
  if (!reason) return null;
  const repriced = await deps.pricing.reprice({
    vehicleClass: trip.vehicle_class as VehicleClass,
    tariffVersion: trip.tariff_version,
    distanceM: ride.travelledM,
    durationS: durationS ?? trip.quoted_duration_s ?? 0,
    timeMultiplier: Number(trip.time_multiplier),
    surge: Number(trip.surge),
  });
  if (!repriced) return null;
  return { fare_amount: repriced.amount, fare_items: JSON.stringify(repriced.items), fare_reason: reason };
}
