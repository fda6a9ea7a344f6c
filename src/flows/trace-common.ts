import { z } from 'zod';
import type { DbHandle } from '../platform/db/database.js';
import { listAggregateEvents } from '../platform/events/events.repo.js';
import { transfersReferencing } from '../modules/ledger/index.js';

/** The console shows a job's story in one page; longer histories are cut here (GET /admin/events pages on). */
const TRACE_EVENTS_LIMIT = 500;

export const TraceEventSchema = z.object({
  seq: z.number(),
  type: z.string(),
  actorId: z.string().nullable(),
  createdAt: z.string(),
  payload: z.unknown(),
});

export const TraceTransferSchema = z.object({
  id: z.string(),
  kind: z.string(),
  phase: z.string(),
  amount: z.number(),
  at: z.string(),
});

/** A notice about the trip or job to one of its parties, with each delivery per channel (issue 19.4 "pushes"). */
export const TraceNoticeSchema = z.object({
  userId: z.uuid(),
  template: z.string(),
  createdAt: z.string(),
  deliveries: z.array(
    z.object({
      channel: z.string(),
      status: z.string(),
      attempts: z.number().int(),
      lastError: z.string().optional(),
      sentAt: z.string().nullable(),
    }),
  ),
});

/** One chat line between the two parties, as staff read it. */
export const TraceChatSchema = z.object({ id: z.string(), from: z.string(), text: z.string(), createdAt: z.string() });

/** A trip's or a service request's events (status changes carry their actor), oldest first. */
export async function traceEvents(db: DbHandle, aggregateId: string) {
  const events = await listAggregateEvents(db, { aggregateId, afterSeq: 0, limit: TRACE_EVENTS_LIMIT });
  return events.slice(0, TRACE_EVENTS_LIMIT).map((e) => ({
    seq: e.seq,
    type: e.type,
    actorId: e.actor_id,
    createdAt: e.created_at.toISOString(),
    payload: e.payload,
  }));
}

/** The ledger transfers that name the job as their reference (`trip:<id>`, `service:<id>`). */
export async function traceTransfers(db: DbHandle, reference: string) {
  const transfers = await transfersReferencing(db, reference);
  return transfers.map((t) => ({ ...t, at: t.at.toISOString() }));
}
