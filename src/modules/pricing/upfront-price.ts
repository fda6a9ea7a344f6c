/**
 * Issue 15 #3: the quoted amount is what the rider pays, unless the route
 * changed or the ride ran well past what was quoted; then it is re-priced
 * with the same tariff version.
 */
export type FareReason = 'destination_changed' | 'stop_added' | 'distance_exceeded' | 'duration_exceeded';
export type RouteChange = Extract<FareReason, 'destination_changed' | 'stop_added'>;

/** Actual distance beyond the quoted one by more than this share re-prices the trip. */
export const DISTANCE_TOLERANCE = 0.25;
/** Actual duration beyond the quoted one by more than this share re-prices the trip. */
export const DURATION_TOLERANCE = 0.5;

export interface RideFacts {
  routeChange: RouteChange | null;
  quotedDistanceM: number | null;
  quotedDurationS: number | null;
  actualDistanceM: number;
  actualDurationS: number | null;
}

/** Why the quote no longer stands, or null when the rider pays the quoted amount; a rider's route change wins. */
export function repricingReason(ride: RideFacts): FareReason | null {
  if (ride.routeChange) return ride.routeChange;
  if (ride.quotedDistanceM !== null && ride.actualDistanceM > ride.quotedDistanceM * (1 + DISTANCE_TOLERANCE))
    return 'distance_exceeded';
  if (
    ride.quotedDurationS !== null &&
    ride.actualDurationS !== null &&
    ride.actualDurationS > ride.quotedDurationS * (1 + DURATION_TOLERANCE)
  )
    return 'duration_exceeded';
  return null;
}
