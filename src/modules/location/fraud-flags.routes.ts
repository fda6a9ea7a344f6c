import { z } from 'zod';
import type { HttpApp } from '../../platform/http/server.js';
import { envelopeOf, sendOk } from '../../platform/http/envelope.js';
import { currentUser, STAFF_ACCESS } from '../../platform/http/route-config.js';
import { ClearFraudFlagRequest, FraudFlagSchema, ListFraudFlagsQuery } from './location.schema.js';
import type { FraudFlagsService } from './fraud-flags.service.js';

const tags = ['admin'];
const FlagIdParams = z.object({ id: z.uuid() });

/** Issue 16 point 3: admins review GPS fraud flags and clear a driver back into nearby and dispatch. */
export function registerFraudFlagRoutes(app: HttpApp, deps: { fraudFlags: FraudFlagsService }) {
  app.get(
    '/api/v1/admin/fraud-flags',
    {
      schema: {
        summary: 'List GPS fraud flags',
        tags,
        querystring: ListFraudFlagsQuery,
        response: { 200: envelopeOf(z.array(FraudFlagSchema)) },
      },
      config: { auth: STAFF_ACCESS.fleet },
    },
    async (request, reply) => {
      const { items, nextCursor } = await deps.fraudFlags.list(request.query);
      return sendOk(reply, items, { nextCursor });
    },
  );

  app.post(
    '/api/v1/admin/fraud-flags/:id/clear',
    {
      schema: {
        summary: 'Clear a GPS fraud flag',
        tags,
        params: FlagIdParams,
        body: ClearFraudFlagRequest,
        response: { 200: envelopeOf(FraudFlagSchema) },
      },
      config: { auth: STAFF_ACCESS.fleet },
    },
    async (request, reply) =>
      sendOk(reply, await deps.fraudFlags.clear(currentUser(request), request.params.id, request.body.note)),
  );
}
