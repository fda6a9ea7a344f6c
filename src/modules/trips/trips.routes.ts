import { z } from 'zod';
import type { Db } from '../../platform/db/database.js';
import type { HttpApp } from '../../platform/http/server.js';
import { envelopeOf, sendOk } from '../../platform/http/envelope.js';
import { currentUser } from '../../platform/http/route-config.js';
import { ListTripsQuery, TripIdParams, TripSchema } from './trips.schema.js';
import { getVisibleTrip, listTripsFor, viewTrip, type Viewer } from './trips.service.js';

const tags = ['trips'];

/** Trip reads; the routes that move a trip run flows and live beside them (src/flows/trips.routes.ts). */
export function registerTripRoutes(app: HttpApp, db: Db) {
  app.get(
    '/api/v1/trips/:id',
    {
      schema: { tags, params: TripIdParams, response: { 200: envelopeOf(TripSchema) } },
      config: { auth: 'any', apiKeyScope: 'trips:read' },
    },
    async (request, reply) => {
      // A trips:read integrator (operations tooling) sees any trip as admins do; the OTP stays the rider's alone.
      const viewer: Viewer = request.apiKey ? { id: request.apiKey.id, role: 'admin' } : currentUser(request);
      return sendOk(reply, await viewTrip(db, await getVisibleTrip(db, request.params.id, viewer), viewer));
    },
  );

  app.get(
    '/api/v1/trips',
    {
      schema: { tags, querystring: ListTripsQuery, response: { 200: envelopeOf(z.array(TripSchema)) } },
      config: { auth: 'any' },
    },
    async (request, reply) => {
      const { items, nextCursor } = await listTripsFor(db, currentUser(request), request.query);
      return sendOk(reply, items, { nextCursor });
    },
  );
}
