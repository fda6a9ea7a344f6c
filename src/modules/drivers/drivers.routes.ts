import { z } from 'zod';
import type { Db } from '../../platform/db/database.js';
import type { HttpApp } from '../../platform/http/server.js';
import { envelopeOf, sendOk } from '../../platform/http/envelope.js';
import { currentUser } from '../../platform/http/route-config.js';
import { AvailabilityRequest, DriverProfileSchema, ProfileRequest, UserIdParams } from './drivers.schema.js';
import { approveDriver, saveProfile } from './drivers.service.js';

export interface DriverRouteDeps {
  db: Db;
  /** Availability changes release offers, so the caller supplies the cross-module flow. */
  changeAvailability(userId: string, available: boolean): Promise<{ state: string }>;
}

const tags = ['drivers'];

export function registerDriverRoutes(app: HttpApp, deps: DriverRouteDeps) {
  app.post(
    '/api/v1/drivers/me/profile',
    { schema: { tags, body: ProfileRequest, response: { 201: envelopeOf(DriverProfileSchema) } }, config: { auth: ['driver'], idempotent: true } },
    async (request, reply) => sendOk(reply, await saveProfile(deps.db, currentUser(request).id, request.body), { status: 201 }),
  );
  app.post(
    '/api/v1/drivers/me/availability',
    { schema: { tags, body: AvailabilityRequest, response: { 200: envelopeOf(z.object({ state: z.string() })) } }, config: { auth: ['driver'] } },
    async (request, reply) => sendOk(reply, await deps.changeAvailability(currentUser(request).id, request.body.available)),
  );
  app.post(
    '/api/v1/admin/drivers/:id/approve',
    { schema: { tags: ['admin'], params: UserIdParams, response: { 200: envelopeOf(DriverProfileSchema) } }, config: { auth: ['admin'] } },
    async (request, reply) => sendOk(reply, await approveDriver(deps.db, request.params.id)),
  );
}
