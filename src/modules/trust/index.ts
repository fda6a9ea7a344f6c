export { registerTrustRoutes } from './trust.routes.js';
export { partyOf, tripOfParty, toRatingView, tripRatings, trustBlocks, trustPersonalData } from './trust.service.js';
export { RatingRequest, RatingSchema, REPORT_CATEGORIES } from './trust.schema.js';
export { blendedRating, RATING_WINDOW } from './rating-formula.js';
