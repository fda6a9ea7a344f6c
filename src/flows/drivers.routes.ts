import { z } from 'zod';
import type { HttpApp } from '../platform/http/server.js';
import { envelopeOf, sendOk } from '../platform/http/envelope.js';
import { currentUser } from '../platform/http/route-config.js';
import { AvailabilityRequest } from '../modules/drivers/index.js';
import { changeAvailability, type ChangeAvailabilityDeps } from './change-availability.js';

/** Going on or off duty: off duty gives back open offers, so it is a flow, not a drivers-module write. */
export function registerDriverFlowRoutes(app: HttpApp, deps: ChangeAvailabilityDeps) {
  app.post(
    '/api/v1/drivers/me/availability',
    {
      schema: {
        summary: 'Go online or offline',
        tags: ['drivers'],
        body: AvailabilityRequest,
        response: { 200: envelopeOf(z.object({ state: z.string() })) },
      },
      config: { auth: ['driver'] },
    },
    async (request, reply) =>
      sendOk(
        reply,
        await changeAvailability(deps, { driverId: currentUser(request).id, available: request.body.available }),
      ),
  );
}
