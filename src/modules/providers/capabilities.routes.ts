import type { Db } from '../../platform/db/database.js';
import type { HttpApp } from '../../platform/http/server.js';
import { envelopeOf, sendOk } from '../../platform/http/envelope.js';
import { currentUser } from '../../platform/http/route-config.js';
import { ApproveCapabilitiesRequest, CapabilitiesDeclaration, CapabilitiesSchema } from './capabilities.schema.js';
import { providerCapabilities } from './capabilities.service.js';
import { ProviderIdParams } from './providers.schema.js';

const one = envelopeOf(CapabilitiesSchema);

export function registerCapabilityRoutes(app: HttpApp, db: Db) {
  app.put(
    '/api/v1/providers/me/capabilities',
    {
      schema: {
        summary: "Declare the caller's service capabilities",
        tags: ['providers'],
        body: CapabilitiesDeclaration,
        response: { 200: one },
      },
      config: { auth: ['driver'] },
    },
    async (request, reply) =>
      sendOk(reply, await providerCapabilities.declare(db, currentUser(request).id, request.body)),
  );

  app.get(
    '/api/v1/providers/me/capabilities',
    {
      schema: { summary: "Get the caller's service capabilities", tags: ['providers'], response: { 200: one } },
      config: { auth: ['driver'] },
    },
    async (request, reply) => sendOk(reply, await providerCapabilities.get(db, currentUser(request).id)),
  );

  const adminTags = ['admin', 'providers'];
  app.get(
    '/api/v1/admin/providers/:id/capabilities',
    {
      schema: {
        summary: "Get a provider's capabilities",
        tags: adminTags,
        params: ProviderIdParams,
        response: { 200: one },
      },
      config: { auth: ['admin'] },
    },
    async (request, reply) => sendOk(reply, await providerCapabilities.get(db, request.params.id)),
  );

  app.post(
    '/api/v1/admin/providers/:id/capabilities/approve',
    {
      schema: {
        summary: "Approve a provider's capabilities",
        tags: adminTags,
        params: ProviderIdParams,
        body: ApproveCapabilitiesRequest,
        response: { 200: one },
      },
      config: { auth: ['admin'] },
    },
    async (request, reply) =>
      sendOk(
        reply,
        await providerCapabilities.approve(db, {
          providerId: request.params.id,
          revision: request.body.revision,
          adminId: currentUser(request).id,
        }),
      ),
  );
}
