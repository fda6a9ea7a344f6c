import { z } from 'zod';
import type { Db } from '../../platform/db/database.js';
import type { HttpApp } from '../../platform/http/server.js';
import { envelopeOf, sendOk } from '../../platform/http/envelope.js';
import { currentUser } from '../../platform/http/route-config.js';
import { RoleSchema, UserSchema } from './users.schema.js';
import { changeUserAccess } from './access.service.js';

const AccessRequest = z
  .strictObject({ role: RoleSchema.optional(), suspended: z.boolean().optional() })
  .refine((b) => b.role !== undefined || b.suspended !== undefined, { message: 'role or suspended is required' });

export function registerUserAccessRoutes(app: HttpApp, db: Db) {
  app.patch(
    '/api/v1/admin/users/:id',
    { schema: { tags: ['admin'], params: z.object({ id: z.uuid() }), body: AccessRequest, response: { 200: envelopeOf(UserSchema.extend({ suspended: z.boolean() })) } }, config: { auth: ['admin'] } },
    async (request, reply) => sendOk(reply, await changeUserAccess(db, currentUser(request), { userId: request.params.id, ...request.body })),
  );
}
