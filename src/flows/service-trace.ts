import { z } from 'zod';
import type { DbHandle } from '../platform/db/database.js';
import type { ObjectStore } from '../platform/storage/index.js';
import { chatLog } from '../modules/chat/index.js';
import { AdminOfferSchema, jobOfferDeliveries } from '../modules/dispatch/index.js';
import { RouteResponse, type LocationService } from '../modules/location/index.js';
import { noticesAbout } from '../modules/notifications/index.js';
import { proofThumbnailOf, QuoteSchema, serviceJobRecord } from '../modules/service-requests/index.js';
import {
  TraceChatSchema,
  TraceEventSchema,
  TraceNoticeSchema,
  TraceTransferSchema,
  traceEvents,
  traceTransfers,
} from './trace-common.js';

/** As the trip trace: the console shows a job's chat in one page; longer chats are cut here. */
const TRACE_CHAT_LIMIT = 500;
/** A job's provider stops working on it when it reaches one of these. */
const JOB_ENDS = new Set(['completed', 'cancelled', 'declined_quote', 'no_providers']);

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
  /** Proof of service uploaded; `thumbnailUrl` serves the image to staff with their bearer token. */
  proofs: z.array(
    z.object({
      id: z.uuid(),
      kind: z.enum(['photo', 'signature']),
      uploadedBy: z.uuid(),
      bytes: z.number().int(),
      createdAt: z.string(),
      thumbnailUrl: z.string(),
    }),
  ),
  /** Progress notices to the customer and the provider, oldest first, each delivery per channel. */
  notices: z.array(TraceNoticeSchema),
  transfers: z.array(TraceTransferSchema),
  /** The provider's recorded positions from their assignment to the end of the job (now while it runs). */
  route: RouteResponse,
  /** The job's chat between customer and provider, oldest first. */
  chat: z.array(TraceChatSchema),
});

export interface ServiceTraceDeps {
  db: DbHandle;
  route: Pick<LocationService, 'driverTrail'>;
  store: ObjectStore;
}

type TraceEvent = Awaited<ReturnType<typeof traceEvents>>[number];
const movedTo = (e: TraceEvent) =>
  e.type === 'service_request.status_changed' ? (e.payload as { to?: string; providerId?: string | null }) : null;

/**
 * When the current provider worked the job: from their (latest) assignment to the move that ended the job, or
 * now while it runs. Null when no provider was ever assigned.
 */
export function providerWindow(events: TraceEvent[], providerId: string | null) {
  if (!providerId) return null;
  const assigned = events.findLastIndex((e) => movedTo(e)?.to === 'assigned' && movedTo(e)?.providerId === providerId);
  if (assigned < 0) return null;
  const end = events.slice(assigned).find((e) => JOB_ENDS.has(movedTo(e)?.to ?? ''));
  return {
    driverId: providerId,
    from: new Date(events[assigned]!.createdAt),
    to: end ? new Date(end.createdAt) : new Date(),
  };
}

export const proofThumbnailPath = (requestId: string, proofId: string) =>
  `/api/v1/admin/service-requests/${requestId}/proofs/${proofId}/thumbnail`;

/** Issue 19.4 "job trace": one service request's story for the console, read across modules (hence a flow). */
export async function traceServiceRequest(deps: ServiceTraceDeps, requestId: string) {
  const { db } = deps;
  const record = await serviceJobRecord(db, requestId);
  const { customerId, providerId } = record.request;
  const [events, offers, transfers, chat, notices] = await Promise.all([
    traceEvents(db, requestId),
    jobOfferDeliveries(db, requestId),
    traceTransfers(db, `service:${requestId}`),
    chatLog(db, requestId, TRACE_CHAT_LIMIT),
    noticesAbout(db, { userIds: [customerId, ...(providerId ? [providerId] : [])], subject: { requestId } }),
  ]);
  const window = providerWindow(events, providerId);
  const route = window ? await deps.route.driverTrail(window) : { points: [], distanceM: 0 };
  const proofs = record.proofs.map((p) => ({ ...p, thumbnailUrl: proofThumbnailPath(requestId, p.id) }));
  return { ...record, proofs, events, offers, transfers, notices, route, chat };
}

/** The bytes of one proof's thumbnail (staff: the route checks the grant); 404 when it is not stored. */
export async function readProofThumbnail(deps: ServiceTraceDeps, k: { requestId: string; proofId: string }) {
  const { key, contentType } = await proofThumbnailOf(deps.db, k);
  const object = await deps.store.get(key);
  return object ? { bytes: object.bytes, contentType } : null;
}
