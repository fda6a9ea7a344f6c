import { noContent } from '../platform/http/envelope.js';
import { z } from 'zod';
import type { HttpApp } from '../platform/http/server.js';
import { currentUser } from '../platform/http/route-config.js';
import { logOut, type LogOutDeps } from './log-out.js';

const LogoutRequest = z
  .strictObject({
    deviceToken: z.string().min(1).max(4096).optional().describe("this device's push token: it stops receiving pushes"),
  })
  .nullish(); // no body at all arrives as null

export function registerSessionFlowRoutes(app: HttpApp, deps: LogOutDeps) {
  app.post(
    '/api/v1/auth/logout',
    {
      schema: { summary: 'Log out and end the session', tags: ['auth'], body: LogoutRequest, response: noContent },
      config: { auth: 'any' },
    },
    async (request, reply) => {
      await logOut(deps, { user: currentUser(request), deviceToken: request.body?.deviceToken });
      return reply.code(204).send();
    },
  );
}
