import type { HttpApp } from '../platform/http/server.js';
import { envelopeOf, sendOk } from '../platform/http/envelope.js';
import { currentUser } from '../platform/http/route-config.js';
import {
  ServiceOfferResponse,
  ServiceRequestIdParams,
  ServiceRequestSchema,
} from '../modules/service-requests/index.js';
import { respondToServiceOffer, type ServiceOfferDeps } from './respond-to-service-offer.js';

/** The provider's side of service-request dispatch: answering a `request:offer`. */
export function registerServiceOfferRoutes(app: HttpApp, deps: ServiceOfferDeps) {
  app.post(
    '/api/v1/service-requests/:id/response',
    {
      schema: {
        summary: 'Accept or decline a service request offer',
        tags: ['service-requests'],
        params: ServiceRequestIdParams,
        body: ServiceOfferResponse,
        response: { 200: envelopeOf(ServiceRequestSchema) },
      },
      config: { auth: ['driver'], rateLimit: 'driverResponse', idempotent: true },
    },
    async (request, reply) => {
      const answer = { provider: currentUser(request), requestId: request.params.id, action: request.body.action };
      return sendOk(reply, await respondToServiceOffer(deps, answer));
    },
  );
}
