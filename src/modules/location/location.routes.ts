import { z } from 'zod';
import type { HttpApp } from '../../platform/http/server.js';
import { envelopeOf, sendOk } from '../../platform/http/envelope.js';
import { currentUser } from '../../platform/http/route-config.js';
import {
  BatchResponse,
  BatchUpdateRequest,
  LocationPointSchema,
  NearbyDriverSchema,
  NearbyQuery,
  RouteResponse,
  TripIdParams,
  UpdateResponse,
} from './location.schema.js';
import type { LocationService } from './location.service.js';

export interface LocationRouteDeps {
  service: LocationService;
}

const tags = ['location'];

export function registerLocationRoutes(app: HttpApp, deps: LocationRouteDeps) {
  app.post(
    '/api/v1/location/update',
    {
      schema: {
        summary: "Report the driver's position",
        tags,
        body: LocationPointSchema,
        response: { 200: envelopeOf(UpdateResponse) },
      },
      config: { auth: ['driver'], rateLimit: 'locationUpdate' },
    },
    async (request, reply) => {
      const result = await deps.service.update(currentUser(request).id, request.body, 'http');
      return sendOk(reply, { ...result, serverTime: new Date().toISOString() });
    },
  );

  app.post(
    '/api/v1/location/batch-update',
    {
      schema: {
        summary: 'Report a batch of driver positions',
        tags,
        body: BatchUpdateRequest,
        response: { 200: envelopeOf(BatchResponse) },
      },
      config: { auth: ['driver'] },
    },
    async (request, reply) =>
      sendOk(reply, await deps.service.updateBatch(currentUser(request).id, request.body.points)),
  );

  app.get(
    '/api/v1/location/nearby',
    {
      schema: {
        summary: 'Find nearby available drivers',
        tags,
        querystring: NearbyQuery,
        response: { 200: envelopeOf(z.array(NearbyDriverSchema)) },
      },
      config: { auth: ['rider', 'admin'], rateLimit: 'nearby' },
    },
    async (request, reply) => sendOk(reply, await deps.service.nearby(currentUser(request), request.query)),
  );

  app.get(
    '/api/v1/trips/:id/route',
    {
      schema: {
        summary: "Get a trip's recorded route",
        tags: ['trips'],
        params: TripIdParams,
        response: { 200: envelopeOf(RouteResponse) },
      },
      config: { auth: 'any' },
    },
    async (request, reply) => sendOk(reply, await deps.service.tripRoute(currentUser(request), request.params.id)),
  );
}
