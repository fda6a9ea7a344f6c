import { z } from 'zod';
import type { HttpApp } from '../../platform/http/server.js';
import { envelopeOf, sendOk } from '../../platform/http/envelope.js';
import { currentUser } from '../../platform/http/route-config.js';
import { ServiceTypeSchema } from '../../shared/index.js';
import type { ServiceTariffs } from './service-tariffs.js';

const piastres = z.number().int().min(0).max(10_000_000);

export const ServiceTariffUpdate = z.object({
  callOutFee: piastres,
  /** Per km towed (breakdown → destination); 0 for services that do not move the vehicle. */
  perKm: piastres,
  commissionBps: z.number().int().min(0).max(10_000),
});
export const ServiceTariffSchema = ServiceTariffUpdate.extend({
  serviceType: ServiceTypeSchema,
  version: z.number().int(),
  currency: z.literal('EGP'),
  createdAt: z.string(),
});

const tags = ['admin', 'pricing'];
const admin = { auth: ['admin'] as ['admin'] };

export function registerServiceTariffRoutes(app: HttpApp, tariffs: ServiceTariffs) {
  app.get(
    '/api/v1/admin/pricing/service-tariffs',
    {
      schema: {
        summary: 'List service call-out tariffs',
        tags,
        response: { 200: envelopeOf(z.array(ServiceTariffSchema)) },
      },
      config: admin,
    },
    async (_request, reply) => sendOk(reply, await tariffs.list()),
  );

  app.put(
    '/api/v1/admin/pricing/service-tariffs/:serviceType',
    {
      schema: {
        summary: 'Change a service call-out tariff (new version)',
        tags,
        params: z.object({ serviceType: ServiceTypeSchema }),
        body: ServiceTariffUpdate,
        response: { 200: envelopeOf(ServiceTariffSchema) },
      },
      config: admin,
    },
    async (request, reply) =>
      sendOk(reply, await tariffs.set(currentUser(request).id, request.params.serviceType, request.body)),
  );
}
