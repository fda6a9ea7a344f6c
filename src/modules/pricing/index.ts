export { timeMultiplier } from './time-multiplier.js';

export { estimateRoute } from './route-estimate.js';
export { commissionSplit } from './fare.js';

export { signQuote, QUOTE_TTL_MS } from './quote-token.js';

export { surgeCellOf, DEMAND_WINDOW_MS } from './surge.js';
export { RouteService } from './osrm-route.js';
export { PricingService, type PricedTrip } from './pricing.service.js';
export { PricingAdmin } from './pricing-admin.service.js';
export { registerPricingRoutes } from './pricing.routes.js';
export { repricingReason, type FareReason, type RouteChange } from './upfront-price.js';
export { labelItems, labelLanguage, type LabelLanguage, type LabelledItem } from './fare-labels.js';
export { itemsTotal, linesForBid, type FareItem, type FareItemCode } from './fare-items.js';
export { ServiceTariffs, type PricedServiceCall, type ServicePriceItem } from './service-tariffs.js';
export { registerServiceTariffRoutes } from './service-tariffs.routes.js';
