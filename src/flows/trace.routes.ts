import { z } from 'zod';
import type { HttpApp } from '../platform/http/server.js';
import { envelopeOf, sendOk } from '../platform/http/envelope.js';
import { currentUser, STAFF_ACCESS } from '../platform/http/route-config.js';
import { AdminOfferSchema } from '../modules/dispatch/index.js';
import { RouteResponse } from '../modules/location/index.js';
import { TripIdParams } from '../modules/trips/index.js';
import { traceTrip, type TraceDeps } from './trip-trace.js';

const LatLng = z.object({ lat: z.number(), lng: z.number() });
const TraceResponse = z.object({
  trip: z.object({
    id: z.uuid(),
    status: z.string(),
    riderId: z.uuid(),
    driverId: z.uuid().nullable(),
    createdAt: z.string(),
    pickup: LatLng,
    dropoff: LatLng,
  }),
  events: z.array(
    z.object({
      seq: z.number(),
      type: z.string(),
      actorId: z.string().nullable(),
      createdAt: z.string(),
      payload: z.unknown(),
    }),
  ),
  offers: z.array(AdminOfferSchema),
  transfers: z.array(
    z.object({ id: z.string(), kind: z.string(), phase: z.string(), amount: z.number(), at: z.string() }),
  ),
  route: RouteResponse,
  /** The trip's chat between rider and driver, oldest first (support and admins read it). */
  chat: z.array(z.object({ id: z.string(), from: z.string(), text: z.string(), createdAt: z.string() })),
});

/** The console's trip trace page (issue 19.4) in one request. */
export function registerTraceRoutes(app: HttpApp, deps: TraceDeps) {
  app.get(
    '/api/v1/admin/trips/:id/trace',
    {
      schema: {
        summary: "Get a trip's full trace",
        tags: ['admin'],
        params: TripIdParams,
        response: { 200: envelopeOf(TraceResponse) },
      },
      config: { auth: STAFF_ACCESS.trips },
    },
    async (request, reply) =>
      sendOk(reply, await traceTrip(deps, { viewer: currentUser(request), tripId: request.params.id })),
  );
}
