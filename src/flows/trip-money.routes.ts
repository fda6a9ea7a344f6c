import type { HttpApp } from '../platform/http/server.js';
import { envelopeOf, sendOk } from '../platform/http/envelope.js';
import { currentUser, STAFF_ACCESS } from '../platform/http/route-config.js';
import { CancellationFeeSchema, TipRequest, TipSchema, WaiveFeeRequest } from '../modules/payments/index.js';
import { TripIdParams } from '../modules/trips/index.js';
import { tipTrip, type TipTripDeps } from './tip-trip.js';
import { waiveFee, type WaiveFeeDeps } from './waive-fee.js';

/**
 * Money around a trip that reads the trip and writes the ledger: the rider's
 * tip (POST /trips/:id/tip, wallet or card) and an admin's fee waiver.
 */
export function registerTripMoneyRoutes(app: HttpApp, deps: WaiveFeeDeps & TipTripDeps) {
  app.post(
    '/api/v1/trips/:id/tip',
    {
      schema: {
        summary: 'Tip the driver',
        tags: ['trips'],
        params: TripIdParams,
        body: TipRequest,
        response: { 201: envelopeOf(TipSchema) },
      },
      config: { auth: ['rider'], idempotent: true },
    },
    async (request, reply) => {
      const input = { riderId: currentUser(request).id, tripId: request.params.id, amount: request.body.amount };
      return sendOk(reply, await tipTrip(deps, input), { status: 201 });
    },
  );

  app.post(
    '/api/v1/admin/trips/:id/waive-fee',
    {
      schema: {
        summary: 'Waive a cancellation fee',
        tags: ['admin'],
        params: TripIdParams,
        body: WaiveFeeRequest,
        response: { 200: envelopeOf(CancellationFeeSchema) },
      },
      config: { auth: STAFF_ACCESS.money, idempotent: true },
    },
    async (request, reply) => {
      const input = { tripId: request.params.id, adminId: currentUser(request).id, reason: request.body.reason };
      return sendOk(reply, await waiveFee(deps, input));
    },
  );
}
