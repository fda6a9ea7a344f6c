import type { Db } from '../../platform/db/database.js';
import type { EventBus } from '../../platform/events/bus.js';
import type { HttpApp } from '../../platform/http/server.js';
import { envelopeOf, sendOk } from '../../platform/http/envelope.js';
import { currentUser, STAFF_ACCESS } from '../../platform/http/route-config.js';
import { z } from 'zod';
import { listDriversForAdmin } from './admin-drivers.service.js';
import {
  AdminDriverSchema,
  AdminDriversQuery,
  DriverProfileSchema,
  ProfileRequest,
  RejectDriverRequest,
  UserIdParams,
} from './drivers.schema.js';
import { approveDriver, myDriverProfile, pendingDrivers, rejectDriver, saveProfile } from './drivers.service.js';

const tags = ['drivers'];

/** Profile and approval; going on/off duty is a flow (src/flows/drivers.routes.ts). */
export function registerDriverRoutes(app: HttpApp, deps: { db: Db; bus: EventBus }) {
  app.post(
    '/api/v1/drivers/me/profile',
    {
      schema: {
        summary: "Create the caller's driver profile",
        tags,
        body: ProfileRequest,
        response: { 201: envelopeOf(DriverProfileSchema) },
      },
      config: { auth: ['driver'], idempotent: true },
    },
    async (request, reply) =>
      sendOk(reply, await saveProfile(deps.db, currentUser(request).id, request.body), { status: 201 }),
  );
  app.get(
    '/api/v1/drivers/me/profile',
    {
      schema: {
        summary: "Get the caller's driver profile (with a rejection's reason)",
        tags,
        response: { 200: envelopeOf(DriverProfileSchema) },
      },
      config: { auth: ['driver'] },
    },
    async (request, reply) => sendOk(reply, await myDriverProfile(deps.db, currentUser(request).id)),
  );
  app.get(
    '/api/v1/admin/drivers/pending',
    {
      schema: {
        summary: 'List drivers awaiting approval',
        tags: ['admin'],
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: envelopeOf(z.array(DriverProfileSchema)) },
      },
      config: { auth: STAFF_ACCESS.fleet },
    },
    async (request, reply) => sendOk(reply, await pendingDrivers(deps.db, request.query.limit)),
  );
  app.post(
    '/api/v1/admin/drivers/:id/approve',
    {
      schema: {
        summary: 'Approve a driver',
        tags: ['admin'],
        params: UserIdParams,
        response: { 200: envelopeOf(DriverProfileSchema) },
      },
      config: { auth: STAFF_ACCESS.fleet },
    },
    async (request, reply) =>
      sendOk(reply, await approveDriver(deps, { userId: request.params.id, adminId: currentUser(request).id })),
  );
  app.post(
    '/api/v1/admin/drivers/:id/reject',
    {
      schema: {
        summary: "Reject a driver's application with a reason they see",
        tags: ['admin'],
        params: UserIdParams,
        body: RejectDriverRequest,
        response: { 200: envelopeOf(DriverProfileSchema) },
      },
      config: { auth: STAFF_ACCESS.fleet },
    },
    async (request, reply) =>
      sendOk(
        reply,
        await rejectDriver(deps.db, {
          userId: request.params.id,
          reason: request.body.reason,
          by: currentUser(request).id,
        }),
      ),
  );
  app.get(
    '/api/v1/admin/drivers',
    {
      schema: {
        summary: 'List drivers (filters and search)',
        tags: ['admin'],
        querystring: AdminDriversQuery,
        response: { 200: envelopeOf(z.array(AdminDriverSchema)) },
      },
      config: { auth: STAFF_ACCESS.fleet },
    },
    async (request, reply) => {
      const { items, nextCursor } = await listDriversForAdmin(deps.db, request.query);
      return sendOk(reply, items, { nextCursor });
    },
  );
}
