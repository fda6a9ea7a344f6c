export { Dispatcher } from './dispatch.service.js';
export { registerDispatchRoutes } from './dispatch.routes.js';
export { AdminOfferSchema, BidParams } from './dispatch.schema.js';

export { offersCounterKey, type CandidateResult } from './candidates.js';
export { FAIRNESS_WINDOW_MS } from './scoring.js';
export { offerSeenEvent, offerDeliveriesOf, jobOfferDeliveries } from './offers-view.js';
