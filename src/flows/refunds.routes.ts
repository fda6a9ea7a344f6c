import { z } from 'zod';
import type { HttpApp } from '../platform/http/server.js';
import { envelopeOf, sendOk } from '../platform/http/envelope.js';
import { currentUser, STAFF_ACCESS } from '../platform/http/route-config.js';
import { TripIdParams } from '../modules/trips/index.js';
import { listAllRefunds, ListRefundsQuery, RefundRequest, RefundSchema } from '../modules/payments/index.js';
import { refundTrip, tripRefunds, type RefundTripDeps } from './refund-trip.js';

const tags = ['admin'];

/** Admin refunds of a trip's fare: each runs a flow of this folder. */
export function registerRefundRoutes(app: HttpApp, deps: RefundTripDeps) {
  app.post(
    '/api/v1/admin/trips/:id/refunds',
    {
      schema: {
        summary: 'Refund a trip',
        tags,
        params: TripIdParams,
        body: RefundRequest,
        response: { 201: envelopeOf(RefundSchema) },
      },
      config: { auth: STAFF_ACCESS.refunds, idempotent: true },
    },
    async (request, reply) => {
      const { amount, reason } = request.body;
      const refund = await refundTrip(deps, { admin: currentUser(request), tripId: request.params.id, amount, reason });
      return sendOk(reply, refund, { status: 201 });
    },
  );

  app.get(
    '/api/v1/admin/trips/:id/refunds',
    {
      schema: {
        summary: "List a trip's refunds",
        tags,
        params: TripIdParams,
        response: { 200: envelopeOf(z.array(RefundSchema)) },
      },
      config: { auth: STAFF_ACCESS.refunds },
    },
    async (request, reply) => sendOk(reply, await tripRefunds(deps.db, { tripId: request.params.id })),
  );

  app.get(
    '/api/v1/admin/refunds',
    {
      schema: {
        summary: 'List every refund (trips and service requests)',
        tags,
        querystring: ListRefundsQuery,
        response: { 200: envelopeOf(z.array(RefundSchema)) },
      },
      config: { auth: STAFF_ACCESS.refunds },
    },
    async (request, reply) => {
      const { items, nextCursor } = await listAllRefunds(deps.db, request.query);
      return sendOk(reply, items, { nextCursor });
    },
  );
}
