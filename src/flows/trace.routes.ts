import { z } from 'zod';
import type { HttpApp } from '../platform/http/server.js';
import { envelopeOf, sendOk } from '../platform/http/envelope.js';
import { currentUser, STAFF_ACCESS } from '../platform/http/route-config.js';
import { AdminOfferSchema } from '../modules/dispatch/index.js';
import { RouteResponse } from '../modules/location/index.js';
import { TripIdParams } from '../modules/trips/index.js';
import { labelLanguage } from '../modules/pricing/index.js';
import { ServiceRequestIdParams } from '../modules/service-requests/index.js';
import {
  readProofThumbnail,
  ServiceTraceResponse,
  traceServiceRequest,
  type ServiceTraceDeps,
} from './service-trace.js';
import { TraceChatSchema, TraceEventSchema, TraceNoticeSchema, TraceTransferSchema } from './trace-common.js';
import { traceTrip, type TraceDeps } from './trip-trace.js';
import { AppError, ErrorCode } from '../platform/errors.js';
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
  notices: z.array(TraceNoticeSchema),
  transfers: z.array(TraceTransferSchema),
  route: RouteResponse,
  /** The trip's chat between rider and driver, oldest first (support and admins read it). */
  chat: z.array(TraceChatSchema),
});

/** The console's trip and job trace pages (issue 19.4), each in one request. */
export function registerTraceRoutes(app: HttpApp, deps: TraceDeps & ServiceTraceDeps) {
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
    async (request, reply) => sendOk(reply, await traceServiceRequest(deps, request.params.id)),
  );
  registerProofThumbnailRoute(app, deps);
}

const ProofParams = ServiceRequestIdParams.extend({ proofId: z.uuid() });

/**
 * The job trace's proof images: staff fetch them with their bearer token (the console makes an object URL of the
 * bytes), so no credential ever sits in a URL that a log or a browser history could keep.
 */
function registerProofThumbnailRoute(app: HttpApp, deps: ServiceTraceDeps) {
  app.get(
    '/api/v1/admin/service-requests/:id/proofs/:proofId/thumbnail',
    {
      schema: { summary: "Get a proof of service's thumbnail (image bytes)", tags: ['admin'], params: ProofParams },
      config: { auth: STAFF_ACCESS.trips },
    },
    async (request, reply) => {
      const image = await readProofThumbnail(deps, { requestId: request.params.id, proofId: request.params.proofId });
      if (!image) throw new AppError(ErrorCode.NOT_FOUND, 'Proof image not found');
      return reply
        .header('content-type', image.contentType)
        .header('cache-control', 'private, no-store')
        .send(image.bytes);
    },
  );
}
