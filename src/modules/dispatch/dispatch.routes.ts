import type { HttpApp } from '../../platform/http/server.js';
import { envelopeOf, sendOk } from '../../platform/http/envelope.js';
import { currentUser, STAFF_ACCESS } from '../../platform/http/route-config.js';
import type { Dispatcher } from './dispatch.service.js';
import { z } from 'zod';
import type { Db } from '../../platform/db/database.js';
import { AdminOfferSchema, DriverOfferSchema, MatchingStatusSchema, TripIdParams } from './dispatch.schema.js';
import { offerDeliveriesOf, pendingOffersOf } from './offers-view.js';

const tags = ['trips'];

/** Dispatch reads; the rider's pick among bids is a flow (src/flows/trips.routes.ts). */
export function registerDispatchRoutes(app: HttpApp, deps: { dispatch: Dispatcher; db: Db }) {
  app.get(
    '/api/v1/trips/:id/matching-status',
    {
      schema: {
        summary: "Get a trip's driver search status",
        tags,
        params: TripIdParams,
        response: { 200: envelopeOf(MatchingStatusSchema) },
      },
      config: { auth: 'any' },
    },
    async (request, reply) =>
      sendOk(reply, await deps.dispatch.matchingStatus(currentUser(request), request.params.id)),
  );
  // Issue 17 point 2: a driver whose socket dropped lists what is still open and answers through HTTP.
  app.get(
    '/api/v1/drivers/me/offers',
    {
      schema: {
        summary: "List the caller's pending offers",
        tags: ['drivers'],
        response: { 200: envelopeOf(z.array(DriverOfferSchema)) },
      },
      config: { auth: ['driver'] },
    },
    async (request, reply) => sendOk(reply, await pendingOffersOf(deps.db, currentUser(request).id)),
  );
  app.get(
    '/api/v1/admin/trips/:id/offers',
    {
      schema: {
        summary: "List a trip's offers and their delivery",
        tags: ['admin'],
        params: TripIdParams,
        response: { 200: envelopeOf(z.array(AdminOfferSchema)) },
      },
      config: { auth: STAFF_ACCESS.trips },
    },
    async (request, reply) => sendOk(reply, await offerDeliveriesOf(deps.db, request.params.id)),
  );
}
