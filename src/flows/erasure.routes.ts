import type { HttpApp } from '../platform/http/server.js';
import { currentUser } from '../platform/http/route-config.js';
import { eraseUser, type EraseUserDeps } from './erase-user.js';

const DESCRIPTION = 'GDPR erasure: anonymises the caller; trips and money records stay. 409 while a trip or booking is under way.';

export function registerErasureRoutes(app: HttpApp, deps: EraseUserDeps) {
  app.delete('/api/v1/me', { schema: { tags: ['users'], description: DESCRIPTION }, config: { auth: 'any' } },
    async (request, reply) => {
      await eraseUser(deps, { user: currentUser(request) });
      return reply.code(204).send();
    });
}
