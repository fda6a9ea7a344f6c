import { z } from 'zod';
import type { HttpApp } from '../../platform/http/server.js';
import { envelopeOf, noContent, sendOk } from '../../platform/http/envelope.js';
import { callerId, currentUser } from '../../platform/http/route-config.js';
import type { PricingAdmin } from './pricing-admin.service.js';
import type { PricingService } from './pricing.service.js';
import { labelLanguage } from './fare-labels.js';
import {
  ClassParams,
  EstimateRequest,
  EstimateResponse,
  EventIdParams,
  EventInput,
  EventSchema,
  ListEventsQuery,
  PricingConfigSchema,
  SurgeMapQuery,
  SurgeMapResponse,
  TariffSchema,
  TariffUpdate,
  TariffVersionSchema,
  TariffVersionsQuery,
  TimeWindowsResponse,
  TimeWindowsUpdate,
} from './pricing.schema.js';

const tags = ['pricing'];
const admin = { auth: ['admin'] as ['admin'] };

export function registerPricingRoutes(app: HttpApp, deps: { pricing: PricingService; admin: PricingAdmin }) {
  const { pricing } = deps;
  app.post(
    '/api/v1/pricing/estimate',
    {
      schema: {
        summary: 'Estimate a fare and get a quote',
        tags,
        body: EstimateRequest,
        response: { 200: envelopeOf(EstimateResponse) },
      },
      config: { auth: 'any', rateLimit: 'estimate', apiKeyScope: 'pricing:read' },
    },
    // An integrator's quotes are bound to its key id, so no rider can book with them.
    async (request, reply) => {
      const language = labelLanguage(request.headers['accept-language']);
      return sendOk(reply, await pricing.estimate(callerId(request), request.body, { language }));
    },
  );

  app.get(
    '/api/v1/pricing/surge-map',
    {
      schema: {
        summary: 'Surge multipliers around a point',
        tags,
        querystring: SurgeMapQuery,
        response: { 200: envelopeOf(SurgeMapResponse) },
      },
      config: { auth: 'any', apiKeyScope: 'pricing:read' },
    },
    async (request, reply) => sendOk(reply, await pricing.surgeMap(request.query)),
  );

  registerPricingAdminRoutes(app, deps.admin);
}

function registerPricingAdminRoutes(app: HttpApp, pa: PricingAdmin) {
  const adminTags = ['admin', 'pricing'];
  app.get(
    '/api/v1/admin/pricing',
    {
      schema: {
        summary: 'Get the pricing in force',
        tags: adminTags,
        response: { 200: envelopeOf(PricingConfigSchema) },
      },
      config: admin,
    },
    async (_request, reply) => sendOk(reply, await pa.config()),
  );

  app.put(
    '/api/v1/admin/pricing/tariffs/:vehicleClass',
    {
      schema: {
        summary: "Set a vehicle class's tariff",
        tags: adminTags,
        params: ClassParams,
        body: TariffUpdate,
        response: { 200: envelopeOf(TariffSchema) },
      },
      config: admin,
    },
    async (request, reply) =>
      sendOk(reply, await pa.setTariff(currentUser(request).id, request.params.vehicleClass, request.body)),
  );

  app.get(
    '/api/v1/admin/pricing/tariffs/:vehicleClass/versions',
    {
      schema: {
        summary: "List a tariff's versions",
        tags: adminTags,
        params: ClassParams,
        querystring: TariffVersionsQuery,
        response: { 200: envelopeOf(z.array(TariffVersionSchema)) },
      },
      config: admin,
    },
    async (request, reply) => {
      const { items, nextCursor } = await pa.tariffVersions(request.params.vehicleClass, request.query);
      return sendOk(reply, items, { nextCursor });
    },
  );

  app.put(
    '/api/v1/admin/pricing/time-windows',
    {
      schema: {
        summary: 'Replace the time-of-day multipliers',
        tags: adminTags,
        body: TimeWindowsUpdate,
        response: { 200: envelopeOf(TimeWindowsResponse) },
      },
      config: admin,
    },
    async (request, reply) => sendOk(reply, await pa.setTimeWindows(request.body.windows)),
  );

  app.get(
    '/api/v1/admin/pricing/events',
    {
      schema: {
        summary: 'List event pricing',
        tags: adminTags,
        querystring: ListEventsQuery,
        response: { 200: envelopeOf(z.array(EventSchema)) },
      },
      config: admin,
    },
    async (request, reply) => {
      const { items, nextCursor } = await pa.listEvents(request.query);
      return sendOk(reply, items, { nextCursor });
    },
  );

  app.post(
    '/api/v1/admin/pricing/events',
    {
      schema: {
        summary: 'Create event pricing',
        tags: adminTags,
        body: EventInput,
        response: { 201: envelopeOf(EventSchema) },
      },
      config: { ...admin, idempotent: true },
    },
    async (request, reply) =>
      sendOk(reply, await pa.createEvent(currentUser(request).id, request.body), { status: 201 }),
  );

  app.put(
    '/api/v1/admin/pricing/events/:id',
    {
      schema: {
        summary: 'Replace event pricing',
        tags: adminTags,
        params: EventIdParams,
        body: EventInput,
        response: { 200: envelopeOf(EventSchema) },
      },
      config: admin,
    },
    async (request, reply) => sendOk(reply, await pa.replaceEvent(request.params.id, request.body)),
  );

  app.delete(
    '/api/v1/admin/pricing/events/:id',
    {
      schema: { summary: 'Delete event pricing', tags: adminTags, params: EventIdParams, response: noContent },
      config: admin,
    },
    async (request, reply) => {
      await pa.removeEvent(request.params.id);
      return reply.code(204).send();
    },
  );
}
