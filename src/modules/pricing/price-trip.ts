import { computeFare } from './fare.js';
import type { LatLng } from '../../shared/index.js';
import { estimateRoute, type RouteEstimate } from './route-estimate.js';
import type { VehicleClass } from '../../shared/index.js';
import { DEFAULT_TARIFFS, DEFAULT_TIME_WINDOWS, type Tariff } from './tariff.js';
import { timeMultiplier } from './time-multiplier.js';

export interface TripPrice {
  amount: number;
  currency: 'EGP';
  surge: number;
  timeMultiplier: number;
  distanceM: number;
  durationS: number;
}

/** Prices one trip with the default tariff and route estimate (surge supplied by the caller). */
export function priceTrip(args: {
  pickup: LatLng;
  dropoff: LatLng;
  vehicleClass: VehicleClass;
  at: Date;
  surge?: number;
}): TripPrice {
  const route = estimateRoute(args.pickup, args.dropoff);
  const multiplier = timeMultiplier(args.at, DEFAULT_TIME_WINDOWS);
  const surge = args.surge ?? 1;
  const fare = computeFare({
    tariff: DEFAULT_TARIFFS[args.vehicleClass],
    distanceKm: route.distanceKmExact,
    durationMin: route.durationMinExact,
    timeMultiplier: multiplier,
    surge,
  });
  return {
    amount: fare.amount,
    currency: 'EGP',
    surge,
    timeMultiplier: multiplier,
    distanceM: route.distanceM,
    durationS: route.durationS,
  };
}

/** The fare for one class from already-resolved inputs (route, schedule multiplier, surge). */
export function fareFromParts(args: {
  tariff: Tariff;
  route: RouteEstimate;
  timeMultiplier: number;
  surge: number;
}): number {
  return computeFare({
    tariff: args.tariff,
    distanceKm: args.route.distanceKmExact,
    durationMin: args.route.durationMinExact,
    timeMultiplier: args.timeMultiplier,
    surge: args.surge,
  }).amount;
}
