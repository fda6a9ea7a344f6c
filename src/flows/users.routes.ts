import { z } from 'zod';
import type { HttpApp } from '../platform/http/server.js';
import { envelopeOf, sendOk } from '../platform/http/envelope.js';
import { currentUser } from '../platform/http/route-config.js';
import { safeText } from '../platform/text.js';
import { RoleSchema, StaffRoleSchema, UserSchema } from '../modules/users/index.js';
import { changeUserAccess, type AccessDeps } from './change-user-access.js';

const AccessRequest = z
  .strictObject({ role: RoleSchema.optional(), suspended: z.boolean().optional() })
  .refine((b) => b.role !== undefined || b.suspended !== undefined, { message: 'role or suspended is required' });
const AccessResponse = envelopeOf(
  UserSchema.extend({
    staffRoles: z.array(StaffRoleSchema),
    suspended: z.boolean(),
    suspensionReason: z.string().nullable(),
    suspendedUntil: z.string().nullable(),
  }),
);
/** PUT: the whole set of console roles (an empty list takes every one away). */
const StaffRolesRequest = z.strictObject({ roles: z.array(StaffRoleSchema).max(StaffRoleSchema.options.length) });
const UserIdParams = z.object({ id: z.uuid() });
/** A suspension that ends lies ahead of now (the lift job runs then), at most ten years out. */
const MAX_SUSPENSION_MS = 10 * 365 * 24 * 3_600_000;
const SuspendRequest = z.strictObject({
  reason: safeText({ min: 1, max: 500 }),
  until: z.iso
    .datetime({ offset: true })
    .transform((s) => new Date(s))
    .refine((d) => d.getTime() > Date.now() && d.getTime() < Date.now() + MAX_SUSPENSION_MS, {
      message: 'must be in the future (and within ten years)',
    })
    .optional(),
});

/** An admin changes a user's role or suspension (a flow: it also ends the user's sessions and offers). */
export function registerUserFlowRoutes(app: HttpApp, deps: AccessDeps) {
  const admin = { tags: ['admin'], params: UserIdParams, response: { 200: AccessResponse } };
  app.patch(
    '/api/v1/admin/users/:id',
    {
      schema: { summary: "Change a user's role or suspension", ...admin, body: AccessRequest },
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
  app.put(
    '/api/v1/admin/users/:id/roles',
    { schema: { summary: "Set a user's staff roles", ...admin, body: StaffRolesRequest }, config: { auth: ['admin'] } },
    async (request, reply) =>
      sendOk(
        reply,
        await changeUserAccess(deps, {
          admin: currentUser(request),
          change: { userId: request.params.id, staffRoles: request.body.roles },
        }),
      ),
  );
  app.post(
    '/api/v1/admin/users/:id/suspend',
    { schema: { summary: 'Suspend a user', ...admin, body: SuspendRequest }, config: { auth: ['admin'] } },
    async (request, reply) =>
      sendOk(
        reply,
        await changeUserAccess(deps, {
          admin: currentUser(request),
          change: { userId: request.params.id, suspended: true, ...request.body },
        }),
      ),
  );
  app.post(
    '/api/v1/admin/users/:id/unsuspend',
    { schema: { summary: "Lift a user's suspension", ...admin }, config: { auth: ['admin'] } },
    async (request, reply) =>
      sendOk(
        reply,
        await changeUserAccess(deps, {
          admin: currentUser(request),
          change: { userId: request.params.id, suspended: false },
        }),
      ),
  );
}
