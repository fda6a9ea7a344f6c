import { z } from 'zod';
import type { Db } from '../../platform/db/database.js';
import type { HttpApp } from '../../platform/http/server.js';
import { envelopeOf, sendOk } from '../../platform/http/envelope.js';
import { currentUser } from '../../platform/http/route-config.js';
import { CancelRequest, CreateTripRequest, DriverResponseRequest, ListTripsQuery, StatusRequest, TripIdParams, TripSchema, type TripView } from './trips.schema.js';
import { getVisibleTrip, listTripsFor, viewTrip, type Viewer } from './trips.service.js';

/** Use cases that write across modules live in src/flows; app.ts wires them in. */
export interface TripFlows {
  requestTrip(rider: Viewer, input: z.infer<typeof CreateTripRequest>): Promise<TripView>;
  /** `bidAmount` (piastres) is a bid on broadcast_bid trips, ignored otherwise. */
  respondToOffer(driver: Viewer, tripId: string, action: 'accept' | 'decline', bidAmount?: number): Promise<TripView>;
  advanceTrip(driver: Viewer, tripId: string, input: z.infer<typeof StatusRequest>): Promise<TripView>;
  cancelTrip(actor: Viewer, tripId: string, opts: { reason: string; searchOnly?: boolean }): Promise<TripView>;
}

const tags = ['trips'];
const one = { 200: envelopeOf(TripSchema) };

export function registerTripRoutes(app: HttpApp, db: Db, flows: TripFlows) {
  app.post('/api/v1/trips', { schema: { tags, body: CreateTripRequest, response: { 201: envelopeOf(TripSchema) } }, config: { auth: ['rider'], rateLimit: 'tripCreate', idempotent: true } },
    async (request, reply) => sendOk(reply, await flows.requestTrip(currentUser(request), request.body), { status: 201 }));

  app.get('/api/v1/trips/:id', { schema: { tags, params: TripIdParams, response: one }, config: { auth: 'any', apiKeyScope: 'trips:read' } }, async (request, reply) => {
    // A trips:read integrator (operations tooling) sees any trip as admins do; the OTP stays the rider's alone.
    const viewer: Viewer = request.apiKey ? { id: request.apiKey.id, role: 'admin' } : currentUser(request);
    return sendOk(reply, await viewTrip(db, await getVisibleTrip(db, request.params.id, viewer), viewer));
  });

  app.get('/api/v1/trips', { schema: { tags, querystring: ListTripsQuery, response: { 200: envelopeOf(z.array(TripSchema)) } }, config: { auth: 'any' } },
    async (request, reply) => {
      const { items, nextCursor } = await listTripsFor(db, currentUser(request), request.query);
      return sendOk(reply, items, { nextCursor });
    });

  app.post('/api/v1/trips/:id/driver-response', { schema: { tags, params: TripIdParams, body: DriverResponseRequest, response: one }, config: { auth: ['driver'], rateLimit: 'driverResponse', idempotent: true } },
    async (request, reply) => sendOk(reply, await flows.respondToOffer(currentUser(request), request.params.id, request.body.action, request.body.bidAmount)));

  app.post('/api/v1/trips/:id/status', { schema: { tags, params: TripIdParams, body: StatusRequest, response: one }, config: { auth: 'any', rateLimit: 'tripStatus', idempotent: true } },
    async (request, reply) => sendOk(reply, await flows.advanceTrip(currentUser(request), request.params.id, request.body)));

  app.post('/api/v1/trips/:id/cancel', { schema: { tags, params: TripIdParams, body: CancelRequest, response: one }, config: { auth: 'any', idempotent: true } },
    async (request, reply) => sendOk(reply, await flows.cancelTrip(currentUser(request), request.params.id, { reason: request.body.reason })));

  app.post('/api/v1/trips/:id/cancel-search', { schema: { tags, params: TripIdParams, response: one }, config: { auth: ['rider'], idempotent: true } },
    async (request, reply) => sendOk(reply, await flows.cancelTrip(currentUser(request), request.params.id, { reason: 'rider cancelled search', searchOnly: true })));
}
