import { z } from 'zod';
import { defineTask } from '../../platform/jobs/task.js';

/**
 * One offer round of one trip. Rounds reschedule themselves under the same
 * job key (`dispatchJobKey`), so a trip has at most one pending round job;
 * the round number in the payload makes a late or duplicate run a no-op.
 */
export const dispatchRoundTask = defineTask({
  name: 'dispatch.round',
  schema: z.object({ tripId: z.uuid(), round: z.number().int().min(1) }),
  maxAttempts: 5,
});

export const dispatchJobKey = (tripId: string) => `dispatch:${tripId}`;
