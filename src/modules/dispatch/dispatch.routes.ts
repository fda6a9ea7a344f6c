import type { HttpApp } from '../../platform/http/server.js';
import { envelopeOf, sendOk } from '../../platform/http/envelope.js';
import { currentUser } from '../../platform/http/route-config.js';
import type { Dispatcher } from './dispatch.service.js';
import { MatchingStatusSchema, TripIdParams } from './dispatch.schema.js';

const tags = ['trips'];

/** Dispatch reads; the rider's pick among bids is a flow (src/flows/trips.routes.ts). */
export function registerDispatchRoutes(app: HttpApp, deps: { dispatch: Dispatcher }) {
  app.get(
    '/api/v1/trips/:id/matching-status',
    {
      schema: { tags, params: TripIdParams, response: { 200: envelopeOf(MatchingStatusSchema) } },
      config: { auth: 'any' },
    },
    async (request, reply) =>
      sendOk(reply, await deps.dispatch.matchingStatus(currentUser(request), request.params.id)),
  );
}
