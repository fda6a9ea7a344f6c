export {
  type VehicleClass,
  type Tariff,
  type TimeWindow,
  VEHICLE_CLASSES,
  DEFAULT_TARIFFS,
  DEFAULT_TIME_WINDOWS,
} from './tariff.js';
export { timeMultiplier, cairoLocalTime, type LocalTime } from './time-multiplier.js';
export { surgeFromRatio, surgeFromCounts } from './surge-table.js';
export {
  haversineMeters,
  estimateRoute,
  ROAD_FACTOR,
  DEFAULT_SPEED_KMH,
  type LatLng,
  type RouteEstimate,
  type RouteProvider,
} from './route-estimate.js';
export {
  computeFare,
  commissionSplit,
  roundFare,
  FARE_ROUNDING_PIASTRES,
  type FareInput,
  type Fare,
  type CommissionSplit,
} from './fare.js';
export { priceTrip, type TripPrice } from './price-trip.js';
