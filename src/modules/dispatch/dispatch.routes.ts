import type { HttpApp } from '../../platform/http/server.js';
import { envelopeOf, sendOk } from '../../platform/http/envelope.js';
import { currentUser } from '../../platform/http/route-config.js';
import { TripSchema, type TripView, type Viewer } from '../trips/index.js';
import type { Dispatcher } from './dispatch.service.js';
import { BidParams, MatchingStatusSchema, TripIdParams } from './dispatch.schema.js';

export interface DispatchRouteDeps {
  dispatch: Dispatcher;
  /** The rider's pick among bids writes across modules: a flow supplied by app.ts. */
  selectBid(rider: Viewer, tripId: string, bidId: string): Promise<TripView>;
}

const tags = ['trips'];

export function registerDispatchRoutes(app: HttpApp, deps: DispatchRouteDeps) {
  app.get('/api/v1/trips/:id/matching-status', { schema: { tags, params: TripIdParams, response: { 200: envelopeOf(MatchingStatusSchema) } }, config: { auth: 'any' } },
    async (request, reply) => sendOk(reply, await deps.dispatch.matchingStatus(currentUser(request), request.params.id)));

  app.post('/api/v1/trips/:id/bids/:bidId/select', { schema: { tags, params: BidParams, response: { 200: envelopeOf(TripSchema) } }, config: { auth: ['rider'], idempotent: true } },
    async (request, reply) => sendOk(reply, await deps.selectBid(currentUser(request), request.params.id, request.params.bidId)));
}
