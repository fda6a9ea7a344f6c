import { z } from 'zod';
import type { DbHandle } from '../platform/db/database.js';
import { AdminOfferSchema, jobOfferDeliveries } from '../modules/dispatch/index.js';
import { QuoteSchema, serviceJobRecord } from '../modules/service-requests/index.js';
import { TraceEventSchema, TraceTransferSchema, traceEvents, traceTransfers } from './trace-common.js';

const Line = z.object({ code: z.string(), amount: z.number().int() });

export const ServiceTraceResponse = z.object({
  request: z.object({
    id: z.uuid(),
    status: z.string(),
    serviceType: z.string(),
    customerId: z.uuid(),
    providerId: z.uuid().nullable(),
    createdAt: z.string(),
    point: z.object({ lat: z.number(), lng: z.number() }),
    /** The estimate the customer was shown before a provider came (minor units). */
    estimate: z.object({ items: z.array(Line), total: z.number().int() }),
    cancelReason: z.string().nullable(),
  }),
  /** Status changes (with the actor) and every other event of the request, oldest first. */
  events: z.array(TraceEventSchema),
  offers: z.array(AdminOfferSchema),
  /** Every revision of the work quote, oldest first, with the customer's decision. */
  quotes: z.array(QuoteSchema),
  /** Proof of service uploaded (the images themselves: GET /service-requests/:id/proofs). */
  proofs: z.array(
    z.object({
      id: z.uuid(),
      kind: z.enum(['photo', 'signature']),
      uploadedBy: z.uuid(),
      bytes: z.number().int(),
      createdAt: z.string(),
    }),
  ),
  transfers: z.array(TraceTransferSchema),
});

/** Issue 19.4 "job trace": one service request's story for the console, read across modules (hence a flow). */
export async function traceServiceRequest(db: DbHandle, requestId: string) {
  const record = await serviceJobRecord(db, requestId);
  const [events, offers, transfers] = await Promise.all([
    traceEvents(db, requestId),
    jobOfferDeliveries(db, requestId),
    traceTransfers(db, `service:${requestId}`),
  ]);
  return { ...record, events, offers, transfers };
}
