import { z } from 'zod';
import type { HttpApp } from '../platform/http/server.js';
import { envelopeOf, sendOk } from '../platform/http/envelope.js';
import { currentUser } from '../platform/http/route-config.js';
import { ErrorCode } from '../platform/errors.js';
import {
  CreateServiceRequest,
  getServiceRequest,
  listServiceRequestsFor,
  ListServiceRequestsQuery,
  MoveServiceRequest,
  PostQuoteRequest,
  QuoteDecisionRequest,
  ServiceEstimateRequest,
  ServiceEstimateSchema,
  ServiceRequestIdParams,
  ServiceReceiptSchema,
  ServiceRequestSchema,
} from '../modules/service-requests/index.js';
import { requestService, type RequestServiceDeps } from './request-service.js';
import { decideOnQuote, moveRequestStatus, quoteWork, type MoveServiceDeps } from './move-service-request.js';
import { serviceRequestReceipt } from './service-receipt.js';

const tags = ['service-requests'];
const one = envelopeOf(ServiceRequestSchema);

export function registerServiceRequestRoutes(app: HttpApp, deps: RequestServiceDeps & MoveServiceDeps) {
  app.post(
    '/api/v1/service-requests/estimate',
    {
      schema: {
        summary: 'Estimate a service request',
        tags,
        body: ServiceEstimateRequest,
        response: { 200: envelopeOf(ServiceEstimateSchema) },
      },
      config: { auth: ['rider'], rateLimit: 'estimate' },
    },
    async (request, reply) => {
      const { commissionBps: _internal, ...estimate } = await deps.serviceTariffs.price(request.body);
      return sendOk(reply, estimate);
    },
  );

  app.post(
    '/api/v1/service-requests',
    {
      schema: {
        summary: 'Request roadside or mechanic service',
        tags,
        body: CreateServiceRequest,
        response: { 201: one },
      },
      config: { auth: ['rider'], idempotent: true },
    },
    async (request, reply) =>
      sendOk(reply, await requestService(deps, { customer: currentUser(request), request: request.body }), {
        status: 201,
      }),
  );

  app.get(
    '/api/v1/service-requests/:id',
    {
      schema: { summary: 'Get a service request', tags, params: ServiceRequestIdParams, response: { 200: one } },
      config: { auth: 'any' },
    },
    async (request, reply) => sendOk(reply, await getServiceRequest(deps.db, request.params.id, currentUser(request))),
  );

  app.get(
    '/api/v1/service-requests',
    {
      schema: {
        summary: "List the caller's service requests",
        tags,
        querystring: ListServiceRequestsQuery,
        response: { 200: envelopeOf(z.array(ServiceRequestSchema)) },
      },
      config: { auth: 'any' },
    },
    async (request, reply) => {
      const { items, nextCursor } = await listServiceRequestsFor(deps.db, currentUser(request), request.query);
      return sendOk(reply, items, { nextCursor });
    },
  );

  app.post(
    '/api/v1/service-requests/:id/status',
    {
      schema: {
        summary: 'Move a service request to its next status',
        tags,
        params: ServiceRequestIdParams,
        body: MoveServiceRequest,
        response: { 200: one },
      },
      config: { auth: 'any', idempotent: true },
    },
    async (request, reply) => {
      const { status: to, reason, code } = request.body;
      const move = { requestId: request.params.id, to, reason, code, viewer: currentUser(request) };
      return sendOk(reply, await moveRequestStatus(deps, move));
    },
  );

  app.post(
    '/api/v1/service-requests/:id/quote',
    {
      schema: {
        summary: 'Post a work quote',
        tags,
        params: ServiceRequestIdParams,
        body: PostQuoteRequest,
        response: { 200: one },
      },
      config: { auth: ['driver'], idempotent: true },
    },
    async (request, reply) => {
      const quote = { requestId: request.params.id, viewer: currentUser(request), lines: request.body.items };
      return sendOk(reply, await quoteWork(deps, quote));
    },
  );

  for (const decision of ['approve', 'decline'] as const) {
    app.post(
      `/api/v1/service-requests/:id/quote/${decision}`,
      {
        schema: {
          summary: decision === 'approve' ? 'Approve the work quote' : 'Decline the work quote',
          tags,
          params: ServiceRequestIdParams,
          body: QuoteDecisionRequest,
          response: { 200: one },
        },
        config: { auth: 'any', idempotent: true },
      },
      async (request, reply) => {
        const { id: requestId } = request.params;
        const args = { requestId, viewer: currentUser(request), revision: request.body.revision, decision };
        return sendOk(reply, await decideOnQuote(deps, args));
      },
    );
  }

  app.get(
    '/api/v1/service-requests/:id/receipt',
    {
      schema: {
        summary: 'Get the receipt of a settled service request',
        tags,
        params: ServiceRequestIdParams,
        response: { 200: envelopeOf(ServiceReceiptSchema) },
      },
      config: { auth: 'any', errors: [ErrorCode.RECEIPT_NOT_AVAILABLE] },
    },
    async (request, reply) =>
      sendOk(
        reply,
        await serviceRequestReceipt(deps.db, { requestId: request.params.id, viewer: currentUser(request) }),
      ),
  );
}
