import type { DbHandle } from '../../platform/db/database.js';
import { JobPriority } from '../../platform/jobs/task.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import { notify, type Priority } from '../notifications/index.js';
import { SERVICE_TIME_ZONE } from '../providers/index.js';
import type { BookingRow } from './bookings.repo.js';
import { bookingReminderTask } from './reminder.task.js';

export const reminderJobKey = (bookingId: string) => `booking-reminder:${bookingId}`;

const cairoTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: SERVICE_TIME_ZONE,
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** Push/SMS/email text (the notifications module renders unknown templates from data.title / data.body). */
const COPY: Record<string, (service: string, when: string) => { title: string; body: string }> = {
  booking_created: (s, w) => ({
    title: 'Booking requested',
    body: `Your ${s} booking for ${w} is waiting for the provider to confirm.`,
  }),
  booking_requested: (s, w) => ({ title: 'New booking request', body: `${s} on ${w}. Confirm it in the app.` }),
  booking_confirmed: (s, w) => ({ title: 'Booking confirmed', body: `${s} on ${w} is confirmed.` }),
  booking_started: (s) => ({ title: 'Service started', body: `Your ${s} has started.` }),
  booking_completed: (s) => ({ title: 'Service completed', body: `Your ${s} is done.` }),
  booking_cancelled: (s, w) => ({ title: 'Booking cancelled', body: `${s} on ${w} was cancelled.` }),
  booking_reminder: (s, w) => ({ title: 'Starting soon', body: `${s} starts ${w}.` }),
};

function noticeData(row: BookingRow, template: string): Record<string, unknown> {
  const copy = COPY[template]?.(row.service_type, cairoTime.format(row.starts_at)) ?? {};
  return {
    bookingId: row.id,
    serviceType: row.service_type,
    startsAt: row.starts_at.toISOString(),
    endsAt: row.ends_at.toISOString(),
    status: row.status,
    ...copy,
  };
}

/** Notifies each user once with the same template (in the caller's transaction). */
export async function noticeTo(
  tx: DbHandle,
  jobs: JobQueue,
  args: { row: BookingRow; userIds: string[]; template: string; priority: Priority },
) {
  for (const userId of new Set(args.userIds)) {
    await notify(tx, jobs, {
      userId,
      template: args.template,
      data: noticeData(args.row, args.template),
      priority: args.priority,
    });
  }
}

/**
 * Schedules the "starts in N minutes" reminder. The job key makes it one job
 * per booking (re-scheduling replaces it); a reminder whose time has already
 * passed is not worth sending. Whether it still applies is decided when it runs.
 */
export async function scheduleReminder(
  tx: DbHandle,
  jobs: JobQueue,
  row: BookingRow,
  leadMin: number,
  now = new Date(),
) {
  const runAt = new Date(row.starts_at.getTime() - leadMin * 60_000);
  if (runAt.getTime() <= now.getTime()) return false;
  await jobs.enqueue(
    tx,
    bookingReminderTask,
    { bookingId: row.id },
    { jobKey: reminderJobKey(row.id), runAt, priority: JobPriority.HIGH },
  );
  return true;
}
