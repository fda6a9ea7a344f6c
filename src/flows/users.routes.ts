import { z } from 'zod';
import type { Db } from '../platform/db/database.js';
import type { HttpApp } from '../platform/http/server.js';
import { envelopeOf, sendOk } from '../platform/http/envelope.js';
import { currentUser } from '../platform/http/route-config.js';
import { RoleSchema, UserSchema } from '../modules/users/index.js';
import { changeUserAccess } from './change-user-access.js';

const AccessRequest = z
  .strictObject({ role: RoleSchema.optional(), suspended: z.boolean().optional() })
  .refine((b) => b.role !== undefined || b.suspended !== undefined, { message: 'role or suspended is required' });
const AccessResponse = envelopeOf(UserSchema.extend({ suspended: z.boolean() }));

/** An admin changes a user's role or suspension (a flow: it also ends the user's sessions). */
export function registerUserFlowRoutes(app: HttpApp, deps: { db: Db }) {
  app.patch(
    '/api/v1/admin/users/:id',
    {
      schema: {
        tags: ['admin'],
        params: z.object({ id: z.uuid() }),
        body: AccessRequest,
        response: { 200: AccessResponse },
      },
      config: { auth: ['admin'] },
    },
    async (request, reply) =>
      sendOk(
        reply,
        await changeUserAccess(deps, {
          admin: currentUser(request),
          change: { userId: request.params.id, ...request.body },
        }),
      ),
  );
}
