import { computeFare } from './fare.js';
import type { LatLng } from '../../shared/index.js';
import { estimateRoute } from './route-estimate.js';
import type { VehicleClass } from '../../shared/index.js';
import { DEFAULT_TARIFFS, DEFAULT_TIME_WINDOWS } from './tariff.js';
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
