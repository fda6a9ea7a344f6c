import { z } from 'zod';
import type { HttpApp } from '../../platform/http/server.js';
import { envelopeOf, sendOk } from '../../platform/http/envelope.js';
import { currentUser } from '../../platform/http/route-config.js';
import {
  ApiKeyIdParams,
  ApiKeySchema,
  CreateApiKeyRequest,
  CreatedApiKeySchema,
  ListApiKeysQuery,
} from './api-keys.schema.js';
import type { ApiKeyService } from './api-keys.service.js';

const tags = ['admin'];
const admin = { auth: ['admin'] as ['admin'] };

export function registerApiKeyRoutes(app: HttpApp, keys: ApiKeyService) {
  // Not `idempotent`: a stored replay would keep the full key in the idempotency table for 24 h.
  app.post(
    '/api/v1/admin/api-keys',
    {
      schema: {
        summary: 'Create an API key',
        tags,
        body: CreateApiKeyRequest,
        response: { 201: envelopeOf(CreatedApiKeySchema) },
      },
      config: admin,
    },
    async (request, reply) => sendOk(reply, await keys.create(currentUser(request).id, request.body), { status: 201 }),
  );

  app.get(
    '/api/v1/admin/api-keys',
    {
      schema: {
        summary: 'List API keys',
        tags,
        querystring: ListApiKeysQuery,
        response: { 200: envelopeOf(z.array(ApiKeySchema)) },
      },
      config: admin,
    },
    async (request, reply) => {
      const { items, nextCursor } = await keys.list(request.query);
      return sendOk(reply, items, { nextCursor });
    },
  );

  // Revoking keeps the row (audit, last use), so it answers 200 with the revoked key rather than 204.
  app.delete(
    '/api/v1/admin/api-keys/:id',
    {
      schema: {
        summary: 'Revoke an API key',
        tags,
        params: ApiKeyIdParams,
        response: { 200: envelopeOf(ApiKeySchema) },
      },
      config: admin,
    },
    async (request, reply) => sendOk(reply, await keys.revoke(currentUser(request).id, request.params.id)),
  );
}
