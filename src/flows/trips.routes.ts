import { ErrorCode } from '../platform/errors.js';
import type { HttpApp } from '../platform/http/server.js';
import { envelopeOf, sendOk } from '../platform/http/envelope.js';
import { currentUser } from '../platform/http/route-config.js';
import {
  CancelRequest,
  CreateTripRequest,
  DestinationRequest,
  DriverResponseRequest,
  StatusRequest,
  TripIdParams,
  TripSchema,
} from '../modules/trips/index.js';
import { BidParams } from '../modules/dispatch/index.js';
import { requestTrip, type RequestTripDeps } from './request-trip.js';
import { answerOffer, selectBid, type AnswerOfferDeps } from './select-bid.js';
import { advanceTrip, type AdvanceTripDeps } from './advance-trip.js';
import { cancelTrip, type CancelTripDeps } from './cancel-trip.js';
import { confirmScheduledTrip, type ConfirmTripDeps } from './confirm-scheduled-trip.js';
import { changeDestination } from './change-destination.js';

/** Everything the trip-writing routes' flows use, named by the flows themselves. */
export type TripFlowDeps = RequestTripDeps & AnswerOfferDeps & AdvanceTripDeps & CancelTripDeps & ConfirmTripDeps;

const tags = ['trips'];
const one = { 200: envelopeOf(TripSchema) };

/** The routes that move a trip: each runs one flow of this folder. */
export function registerTripFlowRoutes(app: HttpApp, deps: TripFlowDeps) {
  app.post(
    '/api/v1/trips',
    {
      schema: { summary: 'Request a trip', tags, body: CreateTripRequest, response: { 201: envelopeOf(TripSchema) } },
      config: {
        auth: ['rider'],
        rateLimit: 'tripCreate',
        idempotent: true,
        errors: [ErrorCode.QUOTE_EXPIRED, ErrorCode.INSUFFICIENT_FUNDS, ErrorCode.CONFLICT],
      },
    },
    async (request, reply) =>
      sendOk(reply, await requestTrip(deps, { rider: currentUser(request), request: request.body }), { status: 201 }),
  );

  app.post(
    '/api/v1/trips/:id/driver-response',
    {
      schema: {
        summary: 'Accept or decline an offer',
        tags,
        params: TripIdParams,
        body: DriverResponseRequest,
        response: one,
      },
      config: { auth: ['driver'], rateLimit: 'driverResponse', idempotent: true },
    },
    async (request, reply) =>
      sendOk(
        reply,
        await answerOffer(deps, { driver: currentUser(request), tripId: request.params.id, ...request.body }),
      ),
  );

  app.post(
    '/api/v1/trips/:id/status',
    {
      schema: {
        summary: 'Advance a trip (arrived, started, completed)',
        tags,
        params: TripIdParams,
        body: StatusRequest,
        response: one,
      },
      config: { auth: 'any', rateLimit: 'tripStatus', idempotent: true },
    },
    async (request, reply) =>
      sendOk(
        reply,
        await advanceTrip(deps, { actor: currentUser(request), tripId: request.params.id, ...request.body }),
      ),
  );

  app.post(
    '/api/v1/trips/:id/cancel',
    {
      schema: { summary: 'Cancel a trip', tags, params: TripIdParams, body: CancelRequest, response: one },
      config: { auth: 'any', idempotent: true },
    },
    async (request, reply) =>
      sendOk(
        reply,
        await cancelTrip(deps, { actor: currentUser(request), tripId: request.params.id, reason: request.body.reason }),
      ),
  );

  app.post(
    '/api/v1/trips/:id/destination',
    {
      schema: {
        summary: "Change a trip's destination",
        tags,
        params: TripIdParams,
        body: DestinationRequest,
        response: one,
      },
      config: { auth: ['rider'], idempotent: true },
    },
    async (request, reply) =>
      sendOk(
        reply,
        await changeDestination(deps, { rider: currentUser(request), tripId: request.params.id, ...request.body }),
      ),
  );

  app.post(
    '/api/v1/trips/:id/cancel-search',
    {
      schema: { summary: 'Stop searching for a driver', tags, params: TripIdParams, response: one },
      config: { auth: ['rider'], idempotent: true },
    },
    async (request, reply) => {
      const input = {
        actor: currentUser(request),
        tripId: request.params.id,
        reason: 'rider cancelled search',
        searchOnly: true,
      };
      return sendOk(reply, await cancelTrip(deps, input));
    },
  );

  app.post(
    '/api/v1/trips/:id/bids/:bidId/select',
    {
      schema: { summary: "Select a driver's bid", tags, params: BidParams, response: one },
      config: { auth: ['rider'], idempotent: true },
    },
    async (request, reply) =>
      sendOk(
        reply,
        await selectBid(deps, { rider: currentUser(request), tripId: request.params.id, bidId: request.params.bidId }),
      ),
  );

  app.post(
    '/api/v1/trips/:id/confirm',
    {
      schema: { summary: 'Confirm a scheduled trip', tags, params: TripIdParams, response: one },
      config: { auth: ['driver'], idempotent: true },
    },
    async (request, reply) =>
      sendOk(reply, await confirmScheduledTrip(deps, { driver: currentUser(request), tripId: request.params.id })),
  );
}
