import { z } from 'zod';
import { defineTask } from '../../platform/jobs/task.js';

/**
 * An accepted trip's driver must keep sending positions until pickup: this
 * check runs REASSIGN_SILENCE_MS after the accept (and after each later fix)
 * and reassigns the trip when the driver has gone quiet (jobKey trip-watch:{tripId}).
 */
export const pickupWatchTask = defineTask({
  name: 'trips.pickup_watch',
  schema: z.object({ tripId: z.uuid(), driverId: z.uuid() }),
  maxAttempts: 5,
});

export const pickupWatchJobKey = (tripId: string) => `trip-watch:${tripId}`;

/**
 * A reserved scheduled trip: `ask` tells the driver the confirmation window is
 * open; `deadline` starts the backup search when they did not confirm in time
 * (jobKeys trip-hold-ask:{tripId} / trip-hold-deadline:{tripId}).
 */
export const scheduledHoldTask = defineTask({
  name: 'trips.scheduled_hold',
  schema: z.object({ tripId: z.uuid(), driverId: z.uuid(), step: z.enum(['ask', 'deadline']) }),
  maxAttempts: 5,
});

export const scheduledHoldJobKey = (tripId: string, step: 'ask' | 'deadline') => `trip-hold-${step}:${tripId}`;
