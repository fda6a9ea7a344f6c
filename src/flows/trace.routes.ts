import { z } from 'zod';
import type { HttpApp } from '../platform/http/server.js';
import { envelopeOf, sendOk } from '../platform/http/envelope.js';
import { currentUser, STAFF_ACCESS } from '../platform/http/route-config.js';
import { AdminOfferSchema } from '../modules/dispatch/index.js';
import { RouteResponse } from '../modules/location/index.js';
import { TripIdParams } from '../modules/trips/index.js';
import { labelLanguage } from '../modules/pricing/index.js';
import { ServiceRequestIdParams } from '../modules/service-requests/index.js';
import { ServiceTraceResponse, traceServiceRequest } from './service-trace.js';
import { TraceEventSchema, TraceTransferSchema } from './trace-common.js';
import { traceTrip, type TraceDeps } from './trip-trace.js';
import { TracePriceSchema } from './trip-trace-price.js';

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
  events: z.array(TraceEventSchema),
  offers: z.array(AdminOfferSchema),
  /** What was quoted and what was charged, line by line, labelled in the Accept-Language (en, ar). */
  price: TracePriceSchema,
  /** Notices about the trip to the rider and driver (progress, receipt), oldest first, each delivery per channel. */
  notices: z.array(
    z.object({
      userId: z.uuid(),
      template: z.string(),
      createdAt: z.string(),
      deliveries: z.array(
        z.object({
          channel: z.string(),
          status: z.string(),
          attempts: z.number().int(),
          lastError: z.string().optional(),
          sentAt: z.string().nullable(),
        }),
      ),
    }),
  ),
  transfers: z.array(TraceTransferSchema),
  route: RouteResponse,
  /** The trip's chat between rider and driver, oldest first (support and admins read it). */
  chat: z.array(z.object({ id: z.string(), from: z.string(), text: z.string(), createdAt: z.string() })),
});

/** The console's trip and job trace pages (issue 19.4), each in one request. */
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
    async (request, reply) => {
      const language = labelLanguage(request.headers['accept-language']);
      return sendOk(
        reply,
        await traceTrip(deps, { viewer: currentUser(request), tripId: request.params.id, language }),
      );
    },
  );
  app.get(
    '/api/v1/admin/service-requests/:id/trace',
    {
      schema: {
        summary: "Get a service request's full trace",
        tags: ['admin'],
        params: ServiceRequestIdParams,
        response: { 200: envelopeOf(ServiceTraceResponse) },
      },
      config: { auth: STAFF_ACCESS.trips },
    },
    async (request, reply) => sendOk(reply, await traceServiceRequest(deps.db, request.params.id)),
  );
}
