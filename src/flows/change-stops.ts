import { runUnitOfWork } from '../platform/events/unit-of-work.js';
import { conflict, forbidden } from '../platform/errors.js';
import type { PricingService } from '../modules/pricing/index.js';
import {
  assertStopsChangeable,
  assertStopsNear,
  getVisibleTrip,
  setTripStops,
  viewTrip,
  type StopPlace,
  type TripRow,
  type Viewer,
} from '../modules/trips/index.js';
import type { VehicleClass } from '../shared/index.js';
import type { UnitDeps } from './deps.js';

export interface ChangeStopsDeps extends UnitDeps {
  pricing: Pick<PricingService, 'priceRoute'>;
}

export interface ChangeStopsInput {
  rider: Viewer;
  tripId: string;
  stops: StopPlace[];
  confirm?: boolean;
}

/** The trip's price over pickup → new stops → dropoff, with its own tariff version, time multiplier and surge. */
async function previewPrice(deps: ChangeStopsDeps, trip: TripRow, stops: StopPlace[]) {
  const preview = await deps.pricing.priceRoute({
    vehicleClass: trip.vehicle_class as VehicleClass,
    tariffVersion: trip.tariff_version,
    timeMultiplier: Number(trip.time_multiplier ?? 1),
    surge: Number(trip.surge),
    points: [
      { lat: trip.pickup_lat, lng: trip.pickup_lng },
      ...stops,
      { lat: trip.dropoff_lat, lng: trip.dropoff_lng },
    ],
  });
  if (!preview) throw conflict('The tariff this trip was priced with is unavailable');
  return preview;
}

/**
 * Issue 16 #7: the rider adds or changes stops while the ride is on. Without
 * `confirm` the answer is the new price and nothing changes; with it the
 * stops apply, priced as previewed, provided the trip did not change since
 * (409 otherwise, so the rider never agrees to a price for another route).
 */
export async function changeStops(deps: ChangeStopsDeps, input: ChangeStopsInput) {
  const seen = await getVisibleTrip(deps.db, input.tripId, input.rider);
  if (seen.rider_id !== input.rider.id) throw forbidden('Only the rider can change the stops');
  assertStopsChangeable(seen);
  assertStopsNear(seen, input.stops);
  const preview = await previewPrice(deps, seen, input.stops);
  if (!input.confirm) return { applied: false, preview, trip: await viewTrip(deps.db, seen, input.rider) };
  const row = await runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
    const trip = await getVisibleTrip(tx, input.tripId, input.rider);
    if (trip.version !== seen.version) throw conflict('Trip changed meanwhile; ask for a new price');
    return setTripStops(tx, events, { trip, stops: input.stops, fare: preview });
  });
  return { applied: true, preview, trip: await viewTrip(deps.db, row, input.rider) };
}
