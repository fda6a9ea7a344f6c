import type { TaskDeps } from '../../platform/jobs/queue.js';
import { withTransaction } from '../../platform/db/transaction.js';
import { noticeTo } from './booking-notices.js';
import { OPEN_STATUSES } from './booking-rules.js';
import { findLiveBooking } from './bookings.repo.js';
import { bookingReminderTask } from './reminder.task.js';

/**
 * The reminder decides at run time whether it still applies: a booking that
 * was cancelled, completed or soft-deleted (invisible in the live view)
 * since it was scheduled gets nothing.
 */
export function registerBookingTasks(deps: Pick<TaskDeps, 'db' | 'jobs'>) {
  deps.jobs.register(bookingReminderTask, async ({ bookingId }, ctx) => {
    await withTransaction(deps.db, async (tx) => {
      const booking = await findLiveBooking(tx, bookingId, { forUpdate: true });
      if (!booking || !OPEN_STATUSES.includes(booking.status)) {
        ctx.log.info({ bookingId, status: booking?.status ?? 'deleted' }, 'booking reminder skipped');
        return;
      }
      await noticeTo(tx, deps.jobs, {
        row: booking,
        userIds: [booking.customer_id, booking.provider_id],
        template: 'booking_reminder',
        priority: 'HIGH',
      });
    });
  });
}
