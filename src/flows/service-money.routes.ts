import { z } from 'zod';
import type { HttpApp } from '../platform/http/server.js';
import { envelopeOf, sendOk } from '../platform/http/envelope.js';
import { currentUser, STAFF_ACCESS } from '../platform/http/route-config.js';
import { RefundRequest, RefundSchema, TipRequest, TipSchema } from '../modules/payments/index.js';
import { ServiceRequestIdParams } from '../modules/service-requests/index.js';
import { refundServiceRequest, serviceRequestRefunds } from './refund-service-request.js';
import type { RefundTripDeps } from './refund-trip.js';
import { tipServiceRequest, type TipServiceDeps } from './tip-service-request.js';

/**
 * Issue 18 #6: money around a finished service request, as around a trip: the customer's tip
 * (POST /service-requests/:id/tip, wallet or card) and staff refunds (/admin/service-requests/:id/refunds).
 */
export function registerServiceMoneyRoutes(app: HttpApp, deps: TipServiceDeps & RefundTripDeps) {
  app.post(
    '/api/v1/service-requests/:id/tip',
    {
      schema: {
        summary: 'Tip the provider of a service request',
        tags: ['service-requests'],
        params: ServiceRequestIdParams,
        body: TipRequest,
        response: { 201: envelopeOf(TipSchema) },
      },
      config: { auth: ['rider'], idempotent: true },
    },
    async (request, reply) => {
      const customerId = currentUser(request).id;
      const input = { customerId, requestId: request.params.id, amount: request.body.amount };
      return sendOk(reply, await tipServiceRequest(deps, input), { status: 201 });
    },
  );

  app.post(
    '/api/v1/admin/service-requests/:id/refunds',
    {
      schema: {
        summary: 'Refund a service request',
        tags: ['admin'],
        params: ServiceRequestIdParams,
        body: RefundRequest,
        response: { 201: envelopeOf(RefundSchema) },
      },
      config: { auth: STAFF_ACCESS.refunds, idempotent: true },
    },
    async (request, reply) => {
      const { amount, reason } = request.body;
      const input = { admin: currentUser(request), requestId: request.params.id, amount, reason };
      return sendOk(reply, await refundServiceRequest(deps, input), { status: 201 });
    },
  );

  app.get(
    '/api/v1/admin/service-requests/:id/refunds',
    {
      schema: {
        summary: "List a service request's refunds",
        tags: ['admin'],
        params: ServiceRequestIdParams,
        response: { 200: envelopeOf(z.array(RefundSchema)) },
      },
      config: { auth: STAFF_ACCESS.refunds },
    },
    async (request, reply) => sendOk(reply, await serviceRequestRefunds(deps.db, { requestId: request.params.id })),
  );
}
