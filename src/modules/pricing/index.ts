export { type Tariff, type TimeWindow, DEFAULT_TARIFFS, DEFAULT_TIME_WINDOWS } from './tariff.js';
export { timeMultiplier, cairoLocalTime, type LocalTime } from './time-multiplier.js';
export { surgeFromRatio, surgeFromCounts } from './surge-table.js';
export { estimateRoute, ROAD_FACTOR, DEFAULT_SPEED_KMH, type RouteEstimate, type RouteProvider } from './route-estimate.js';
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
export { fareFromParts } from './price-trip.js';
export { scheduleMultiplier, eventMultiplier, isInArea, type PricingEvent, type EventArea } from './event-pricing.js';
export { signQuote, verifyQuote, QUOTE_TTL_MS, type QuoteClaims } from './quote-token.js';
export { PricingCatalog, type PricingSnapshot } from './pricing-catalog.js';
export { SurgeEngine, smoothedSurge, surgeCellOf, SURGE_H3_RESOLUTION, DEMAND_WINDOW_MS, SURGE_HOLD_MS } from './surge.js';
export { RouteService, ROUTE_CACHE_TTL_MS, type RoutedEstimate } from './osrm-route.js';
export {
  PricingService,
  QUOTE_MAX_MOVE_M,
  QUOTE_MAX_SURGE_RISE,
  type PricingDeps,
  type Quote,
  type PricedTrip,
  type QuoteRejection,
} from './pricing.service.js';
export { PricingAdmin } from './pricing-admin.service.js';
export { registerPricingRoutes } from './pricing.routes.js';
