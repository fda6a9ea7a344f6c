import type { DbHandle } from '../../platform/db/database.js';
import { JobPriority } from '../../platform/jobs/task.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import { notify, type Priority } from '../notifications/index.js';
import type { BookingRow } from './bookings.repo.js';
import { bookingReminderTask } from './reminder.task.js';

export const reminderJobKey = (bookingId: string) => `booking-reminder:${bookingId}`;

/** The notification data; the notifications module writes the text in each recipient's language. */
function noticeData(row: BookingRow): Record<string, unknown> {
  return {
    bookingId: row.id,
    serviceType: row.service_type,
    startsAt: row.starts_at.toISOString(),
    endsAt: row.ends_at.toISOString(),
    status: row.status,
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
      data: noticeData(args.row),
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
