import { noContent } from '../platform/http/envelope.js';
import { z } from 'zod';
import type { HttpApp } from '../platform/http/server.js';
import { currentUser } from '../platform/http/route-config.js';
import { eraseUser, type EraseUserDeps } from './erase-user.js';

const DESCRIPTION =
  'GDPR erasure: anonymises the caller; trips and money records stay. Body `{password}` (the current one): ' +
  'missing or wrong ⇒ 403, nothing erased. 409 while a trip or booking is under way.';

/** DELETE /me re-authenticates: the caller's current password (a stolen access token alone cannot erase an account). */
const EraseMeRequest = z
  .object({
    password: z.string().max(1024).optional().describe("the caller's current password (required; missing ⇒ 403)"),
  })
  .nullish(); // no body at all arrives as null

export function registerErasureRoutes(app: HttpApp, deps: EraseUserDeps) {
  app.delete(
    '/api/v1/me',
    {
      schema: {
        summary: "Erase the caller's account (GDPR)",
        tags: ['users'],
        body: EraseMeRequest,
        description: DESCRIPTION,
        response: noContent,
      },
      config: { auth: 'any' },
    },
    async (request, reply) => {
      // A missing password is checked like a wrong one (same answer, same lockout count).
      await eraseUser(deps, { user: currentUser(request), password: request.body?.password ?? '' });
      return reply.code(204).send();
    },
  );
}
