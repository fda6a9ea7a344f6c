import type { Db } from '../platform/db/database.js';
import type { HttpApp } from '../platform/http/server.js';
import { envelopeOf, sendOk } from '../platform/http/envelope.js';
import { currentUser } from '../platform/http/route-config.js';
import { TripIdParams } from '../modules/trips/index.js';
import { RatingRequest, RatingSchema } from '../modules/trust/index.js';
import { rateTrip } from './rate-trip.js';

/** POST /trips/:id/rating runs the rate-trip flow (it writes users, drivers and trust rows). */
export function registerRatingFlowRoutes(app: HttpApp, deps: { db: Db }) {
  app.post(
    '/api/v1/trips/:id/rating',
    {
      schema: {
        summary: 'Rate the other party of a trip',
        tags: ['trust'],
        params: TripIdParams,
        body: RatingRequest,
        response: { 201: envelopeOf(RatingSchema) },
      },
      config: { auth: ['rider', 'driver'], idempotent: true },
    },
    async (request, reply) =>
      sendOk(reply, await rateTrip(deps, { rater: currentUser(request), tripId: request.params.id, ...request.body }), {
        status: 201,
      }),
  );
}
