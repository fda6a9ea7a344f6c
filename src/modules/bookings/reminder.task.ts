import { z } from 'zod';
import { defineTask } from '../../platform/jobs/task.js';

/** "Your booking starts soon", to customer and provider; a no-op for cancelled or deleted bookings. */
export const bookingReminderTask = defineTask({
  name: 'bookings.remind',
  schema: z.object({ bookingId: z.uuid() }),
  maxAttempts: 5,
});
