import { z } from 'zod';
import type { Db, Tx } from '../platform/db/database.js';
import { withTransaction } from '../platform/db/transaction.js';
import type { EventBus } from '../platform/events/bus.js';
import type { JobQueue } from '../platform/jobs/queue.js';
import { defineTask } from '../platform/jobs/task.js';
import { notifyOnce } from '../modules/notifications/index.js';
import { serviceRecords } from '../modules/service-requests/index.js';
import { serviceNoticesFor, type ServiceNotice, type ServiceNoticeJob } from './service-request-notice-content.js';
import type { NoticeContentDeps } from './trip-notice-content.js';

/**
 * Issue 18 #4 "push as for trips": service request progress reaches the customer's and the provider's phones the
 * way trip progress does (trip-notices.ts). The move's transaction only enqueues one job per step (the outbox);
 * the job reads what the text needs (provider card, ETA, totals) and stores each notice once per event (dedupe
 * key), whose delivery jobs call the push provider. A push outage never slows or blocks a move.
 */
export const serviceNoticeTask = defineTask({
  name: 'service_requests.notify_progress',
  schema: z.object({
    eventId: z.number().int(),
    requestId: z.uuid(),
    notice: z.enum([
      'assigned',
      'arrived',
      'quoted',
      'completed',
      'cancelled',
      'no_providers',
      'quote_approved',
      'quote_declined',
    ]),
    by: z.string().nullable().optional(),
    total: z.number().int().optional(),
  }),
  maxAttempts: 8,
});

export interface ServiceNoticeDeps extends NoticeContentDeps {
  db: Db;
  bus: EventBus;
  jobs: JobQueue;
}

/** Steps told by a status change (`en_route`, `in_progress` and `declined_quote` are told otherwise or not at all). */
const NOTICE_OF_STATUS: Partial<Record<string, ServiceNotice>> = {
  assigned: 'assigned',
  arrived: 'arrived',
  quoted: 'quoted',
  completed: 'completed',
  cancelled: 'cancelled',
  no_providers: 'no_providers',
};

async function enqueueNotice(tx: Tx, jobs: JobQueue, job: ServiceNoticeJob) {
  await jobs.enqueue(tx, serviceNoticeTask, job, { jobKey: `service-notice:${job.eventId}` });
}

/** In the move's transaction: one job per step worth telling. */
function projectServiceEvents({ bus, jobs }: ServiceNoticeDeps) {
  bus.onRecorded('service_request.status_changed', async (tx, e) => {
    const notice = NOTICE_OF_STATUS[e.payload.to];
    if (notice) await enqueueNotice(tx, jobs, { eventId: e.id, requestId: e.payload.requestId, notice, by: e.actorId });
  });
  bus.onRecorded('service_request.quote_decided', async (tx, e) => {
    const { requestId, decision, total } = e.payload;
    const notice = decision === 'approved' ? 'quote_approved' : 'quote_declined';
    await enqueueNotice(tx, jobs, { eventId: e.id, requestId, notice, total });
  });
}

/** The job: each party's notice stored once per event, even if the job re-runs. */
export async function sendServiceNotice(deps: ServiceNoticeDeps, job: ServiceNoticeJob) {
  const row = await serviceRecords.find(deps.db, job.requestId);
  if (!row) return;
  const notices = await serviceNoticesFor(deps.db, deps, row, job);
  await withTransaction(deps.db, async (tx) => {
    for (const n of notices) await notifyOnce(tx, deps.jobs, { ...n, dedupeKey: `service-event:${job.eventId}` });
  });
}

export function registerServiceRequestNotices(deps: ServiceNoticeDeps): void {
  projectServiceEvents(deps);
  deps.jobs.register(serviceNoticeTask, async (job) => sendServiceNotice(deps, job));
}
