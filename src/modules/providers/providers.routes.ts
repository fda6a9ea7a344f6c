import type { Db } from '../../platform/db/database.js';
import type { HttpApp } from '../../platform/http/server.js';
import { envelopeOf, sendOk } from '../../platform/http/envelope.js';
import { currentUser } from '../../platform/http/route-config.js';
import { ProviderIdParams, ProviderProfileRequest, ProviderProfileSchema } from './providers.schema.js';
import { getProviderProfile, saveProviderProfile, toProviderProfile } from './providers.service.js';

const tags = ['providers'];
const one = envelopeOf(ProviderProfileSchema);

export function registerProviderRoutes(app: HttpApp, db: Db) {
  app.post(
    '/api/v1/providers/me/profile',
    {
      schema: {
        summary: "Create the caller's provider profile",
        tags,
        body: ProviderProfileRequest,
        response: { 201: one },
      },
      config: { auth: ['driver'], idempotent: true },
    },
    async (request, reply) =>
      sendOk(reply, await saveProviderProfile(db, currentUser(request).id, request.body), { status: 201 }),
  );

  // Customers need a provider's service types and hours before booking.
  app.get(
    '/api/v1/providers/:id',
    {
      schema: { summary: 'Get a provider', tags, params: ProviderIdParams, response: { 200: one } },
      config: { auth: 'any' },
    },
    async (request, reply) => sendOk(reply, toProviderProfile(await getProviderProfile(db, request.params.id))),
  );
}
