import { z } from 'zod';
import type { Db } from '../../platform/db/database.js';
import type { HttpApp } from '../../platform/http/server.js';
import { envelopeOf, sendOk } from '../../platform/http/envelope.js';
import { currentUser } from '../../platform/http/route-config.js';
import { ListTripsQuery, TripIdParams, TripSchema } from './trips.schema.js';
import { currentTripOf, getVisibleTrip, listTripsFor, viewTrip, type Viewer } from './trips.service.js';

const tags = ['trips'];

/** Trip reads; the routes that move a trip run flows and live beside them (src/flows/trips.routes.ts). */
export function registerTripRoutes(app: HttpApp, db: Db, opts: { keepTripRows: boolean }) {
  app.get(
    '/api/v1/trips/:id',
    {
      schema: { summary: 'Get a trip', tags, params: TripIdParams, response: { 200: envelopeOf(TripSchema) } },
      config: { auth: 'any', apiKeyScope: 'trips:read' },
    },
    async (request, reply) => {
      // A trips:read integrator (operations tooling) sees any trip as admins do; the OTP stays the rider's alone.
      const viewer: Viewer = request.apiKey ? { id: request.apiKey.id, role: 'admin' } : currentUser(request);
      const trip = await getVisibleTrip(db, request.params.id, viewer, { kept: opts.keepTripRows });
      return sendOk(reply, await viewTrip(db, trip, viewer));
    },
  );

  app.get(
    '/api/v1/trips',
    {
      schema: {
        summary: "List the caller's trips",
        tags,
        querystring: ListTripsQuery,
        response: { 200: envelopeOf(z.array(TripSchema)) },
      },
      config: { auth: 'any' },
    },
    async (request, reply) => {
      const { items, nextCursor } = await listTripsFor(db, currentUser(request), request.query);
      return sendOk(reply, items, { nextCursor });
    },
  );

  // Issue 16 "no ghost trips": read from the primary every time, so it says what the database holds right now.
  app.get(
    '/api/v1/me/active-trip',
    {
      schema: {
        summary: "Get the caller's current trip",
        tags,
        response: { 200: envelopeOf(TripSchema), 204: z.undefined().describe('no current trip') },
      },
      config: { auth: ['rider', 'driver'] },
    },
    async (request, reply) => {
      const trip = await currentTripOf(db, currentUser(request));
      return trip ? sendOk(reply, trip) : reply.code(204).send();
    },
  );
}
