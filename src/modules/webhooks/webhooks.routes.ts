import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { HttpApp } from '../../platform/http/server.js';
import { envelopeOf, sendOk } from '../../platform/http/envelope.js';
import {
  CreateWebhookRequest,
  DeliverySchema,
  ListDeliveriesQuery,
  ListWebhooksQuery,
  UpdateWebhookRequest,
  WebhookIdParams,
  WebhookSchema,
  WebhookWithSecretSchema,
} from './webhooks.schema.js';
import type { WebhookCaller, WebhookService } from './webhooks.service.js';

const tags = ['webhooks'];
/** Admins manage every endpoint; an API key with `webhooks:manage` only those it created. */
const managers = { auth: ['admin'] as ['admin'], apiKeyScope: 'webhooks:manage' as const };

function callerOf(request: FastifyRequest): WebhookCaller {
  if (request.apiKey) return { kind: 'api_key', id: request.apiKey.id, createdBy: request.apiKey.createdBy };
  return { kind: 'user', id: request.user!.id };
}

export function registerWebhookRoutes(app: HttpApp, webhooks: WebhookService) {
  // Not `idempotent`: a stored replay would keep the signing secret in the idempotency table for 24 h.
  app.post(
    '/api/v1/admin/webhooks',
    {
      schema: {
        summary: 'Register a webhook endpoint',
        tags,
        body: CreateWebhookRequest,
        response: { 201: envelopeOf(WebhookWithSecretSchema) },
      },
      config: managers,
    },
    async (request, reply) => sendOk(reply, await webhooks.create(callerOf(request), request.body), { status: 201 }),
  );
  app.get(
    '/api/v1/admin/webhooks',
    {
      schema: {
        summary: 'List webhook endpoints',
        tags,
        querystring: ListWebhooksQuery,
        response: { 200: envelopeOf(z.array(WebhookSchema)) },
      },
      config: managers,
    },
    async (request, reply) => {
      const { items, nextCursor } = await webhooks.list(callerOf(request), request.query);
      return sendOk(reply, items, { nextCursor });
    },
  );
  app.get(
    '/api/v1/admin/webhooks/:id',
    {
      schema: {
        summary: 'Get a webhook endpoint',
        tags,
        params: WebhookIdParams,
        response: { 200: envelopeOf(WebhookSchema) },
      },
      config: managers,
    },
    async (request, reply) => sendOk(reply, await webhooks.get(callerOf(request), request.params.id)),
  );
  app.patch(
    '/api/v1/admin/webhooks/:id',
    {
      schema: {
        summary: 'Update a webhook endpoint',
        tags,
        params: WebhookIdParams,
        body: UpdateWebhookRequest,
        response: { 200: envelopeOf(WebhookSchema) },
      },
      config: managers,
    },
    async (request, reply) => sendOk(reply, await webhooks.update(callerOf(request), request.params.id, request.body)),
  );
  app.delete(
    '/api/v1/admin/webhooks/:id',
    { schema: { summary: 'Delete a webhook endpoint', tags, params: WebhookIdParams }, config: managers },
    async (request, reply) => {
      await webhooks.remove(callerOf(request), request.params.id);
      return reply.code(204).send();
    },
  );
  app.post(
    '/api/v1/admin/webhooks/:id/rotate-secret',
    {
      schema: {
        summary: "Rotate a webhook endpoint's signing secret",
        tags,
        params: WebhookIdParams,
        response: { 200: envelopeOf(WebhookWithSecretSchema) },
      },
      config: managers,
    },
    async (request, reply) => sendOk(reply, await webhooks.rotateSecret(callerOf(request), request.params.id)),
  );
  app.get(
    '/api/v1/admin/webhooks/:id/deliveries',
    {
      schema: {
        summary: "List a webhook endpoint's deliveries",
        tags,
        params: WebhookIdParams,
        querystring: ListDeliveriesQuery,
        response: { 200: envelopeOf(z.array(DeliverySchema)) },
      },
      config: managers,
    },
    async (request, reply) => {
      const { items, nextCursor } = await webhooks.deliveries(callerOf(request), request.params.id, request.query);
      return sendOk(reply, items, { nextCursor });
    },
  );
  app.post(
    '/api/v1/admin/webhook-deliveries/:id/replay',
    {
      schema: {
        summary: 'Replay a webhook delivery',
        tags,
        params: WebhookIdParams,
        response: { 202: envelopeOf(DeliverySchema) },
      },
      config: managers,
    },
    async (request, reply) =>
      sendOk(reply, await webhooks.replay(callerOf(request), request.params.id), { status: 202 }),
  );
}
