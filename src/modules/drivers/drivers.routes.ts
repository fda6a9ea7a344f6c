import type { Db } from '../../platform/db/database.js';
import type { HttpApp } from '../../platform/http/server.js';
import { envelopeOf, sendOk } from '../../platform/http/envelope.js';
import { currentUser } from '../../platform/http/route-config.js';
import { DriverProfileSchema, ProfileRequest, UserIdParams } from './drivers.schema.js';
import { approveDriver, saveProfile } from './drivers.service.js';

const tags = ['drivers'];

/** Profile and approval; going on/off duty is a flow (src/flows/drivers.routes.ts). */
export function registerDriverRoutes(app: HttpApp, deps: { db: Db }) {
  app.post(
    '/api/v1/drivers/me/profile',
    {
      schema: { tags, body: ProfileRequest, response: { 201: envelopeOf(DriverProfileSchema) } },
      config: { auth: ['driver'], idempotent: true },
    },
    async (request, reply) =>
      sendOk(reply, await saveProfile(deps.db, currentUser(request).id, request.body), { status: 201 }),
  );
  app.post(
    '/api/v1/admin/drivers/:id/approve',
    {
      schema: { tags: ['admin'], params: UserIdParams, response: { 200: envelopeOf(DriverProfileSchema) } },
      config: { auth: ['admin'] },
    },
    async (request, reply) => sendOk(reply, await approveDriver(deps.db, request.params.id)),
  );
}
