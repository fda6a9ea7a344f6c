import { z } from 'zod';
import type { Db, Tx } from '../platform/db/database.js';
import { withTransaction } from '../platform/db/transaction.js';
import type { EventBus } from '../platform/events/bus.js';
import type { StoredEvent } from '../platform/events/event-map.js';
import type { JobQueue } from '../platform/jobs/queue.js';
import { defineTask } from '../platform/jobs/task.js';
import type { Logger } from '../platform/observability/logger.js';
import { notifyOnce } from '../modules/notifications/index.js';
import { TERMINAL_STATUSES, tripRecords } from '../modules/trips/index.js';
import { driverCard, noticesFor, type NoticeContentDeps, type TripNoticeJob } from './trip-notice-content.js';

/**
 * Issue 17.3: trip progress reaches the phones of the rider and the driver. The transition's transaction only
 * enqueues one job per step (bus.onRecorded, the outbox); the job reads what the text needs (driver card, ETA,
 * receipt) and stores the notices, whose delivery jobs call the providers. Nothing here runs on the request path
 * beyond that one job row, so a push outage never slows or blocks a transition.
 */
export const tripNoticeTask = defineTask({
  name: 'trips.notify_progress',
  schema: z.object({
    eventId: z.number().int(),
    tripId: z.uuid(),
    notice: z.enum(['accepted', 'arrived', 'started', 'completed', 'no_drivers', 'cancelled', 'scheduled']),
    by: z.string().optional(),
    fee: z.number().int().nullable().optional(),
  }),
  maxAttempts: 8,
});

/** The rider's reminder of a booked ride, `TRIP_REMINDER_LEAD_MIN` before pickup. */
export const tripReminderTask = defineTask({
  name: 'trips.scheduled_reminder',
  schema: z.object({ tripId: z.uuid() }),
  maxAttempts: 5,
});

export interface TripNoticeDeps extends NoticeContentDeps {
  db: Db;
  bus: EventBus;
  jobs: JobQueue;
  log: Logger;
  /** Minutes before a booked pickup that the rider is reminded. */
  reminderLeadMin: number;
}

/** Steps told by a status change; `accepted` from `scheduled` is the driver's confirmation (its own notice). */
const NOTICE_OF_STATUS: Partial<Record<string, TripNoticeJob['notice']>> = {
  accepted: 'accepted',
  arrived: 'arrived',
  started: 'started',
  completed: 'completed',
  no_drivers: 'no_drivers',
};

function noticeOfStatus(e: StoredEvent<'trip.status_changed'>): TripNoticeJob | null {
  const notice = NOTICE_OF_STATUS[e.payload.to];
  if (!notice || e.payload.from === 'scheduled') return null;
  return { eventId: e.id, tripId: e.payload.tripId, notice };
}

async function enqueueNotice(tx: Tx, jobs: JobQueue, job: TripNoticeJob) {
  await jobs.enqueue(tx, tripNoticeTask, job, { jobKey: `trip-notice:${job.eventId}` });
}

/** In the transition's transaction: one job per step worth telling (nothing else touches the request path). */
function projectTripEvents(deps: TripNoticeDeps) {
  const { bus, jobs } = deps;
  bus.onRecorded('trip.status_changed', async (tx, e) => {
    const job = noticeOfStatus(e);
    if (job) await enqueueNotice(tx, jobs, job);
  });
  bus.onRecorded('trip.cancelled', async (tx, e) => {
    const { tripId, by, fee } = e.payload;
    await enqueueNotice(tx, jobs, { eventId: e.id, tripId, notice: 'cancelled', by, fee });
  });
  bus.onRecorded('trip.requested', async (tx, e) => {
    if (e.payload.status === 'scheduled')
      await enqueueNotice(tx, jobs, { eventId: e.id, tripId: e.payload.tripId, notice: 'scheduled' });
  });
}

/** The job: each party's notice stored once per event (dedupe key), a booked ride's reminder scheduled. */
export async function sendTripNotice(deps: TripNoticeDeps, job: TripNoticeJob) {
  const trip = await tripRecords.find(deps.db, job.tripId);
  if (!trip) return;
  const notices = await noticesFor(deps.db, deps, trip, job);
  await withTransaction(deps.db, async (tx) => {
    for (const n of notices) await notifyOnce(tx, deps.jobs, { ...n, dedupeKey: `trip-event:${job.eventId}` });
    if (job.notice !== 'scheduled' || !trip.scheduled_at) return;
    const runAt = new Date(trip.scheduled_at.getTime() - deps.reminderLeadMin * 60_000);
    await deps.jobs.enqueue(tx, tripReminderTask, { tripId: trip.id }, { jobKey: `trip-reminder:${trip.id}`, runAt });
  });
}

async function remindRider(deps: TripNoticeDeps, tripId: string) {
  const trip = await tripRecords.find(deps.db, tripId);
  if (!trip?.scheduled_at || TERMINAL_STATUSES.includes(trip.status)) return;
  const data = { tripId, scheduledAt: trip.scheduled_at.toISOString() };
  await notifyOnce(deps.db, deps.jobs, {
    userId: trip.rider_id,
    template: 'trip.scheduled_reminder',
    data,
    priority: 'HIGH',
    dedupeKey: `trip-reminder:${tripId}`,
  });
}

/**
 * "Driver arriving": the location feed signals the first ETA ≤ 1 min of an accepted trip on its node; the
 * dedupe key makes it once per trip and driver across nodes. Stored and enqueued here (one insert), sent by jobs.
 */
async function announceArriving(deps: TripNoticeDeps, { tripId, driverId }: { tripId: string; driverId: string }) {
  const trip = await tripRecords.find(deps.db, tripId);
  if (!trip || trip.status !== 'accepted' || trip.driver_id !== driverId) return;
  await notifyOnce(deps.db, deps.jobs, {
    userId: trip.rider_id,
    template: 'trip.driver_arriving',
    data: { tripId, ...(await driverCard(deps.db, trip.driver_id)) },
    priority: 'HIGH',
    // Per driver: after a reassignment the new driver's approach is news again.
    dedupeKey: `trip-arriving:${tripId}:${trip.driver_id}`,
  });
}

export function registerTripNotices(deps: TripNoticeDeps): () => void {
  projectTripEvents(deps);
  deps.jobs.register(tripNoticeTask, async (job) => sendTripNotice(deps, job));
  deps.jobs.register(tripReminderTask, async ({ tripId }) => remindRider(deps, tripId));
  return deps.bus.onSignal('trip.driver_arriving', (signal) => {
    announceArriving(deps, signal).catch((err: unknown) =>
      deps.log.warn({ err, tripId: signal.tripId }, 'driver-arriving notice not stored'),
    );
  });
}
