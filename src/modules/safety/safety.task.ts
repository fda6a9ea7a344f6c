import { z } from 'zod';
import { defineTask } from '../../platform/jobs/task.js';

/**
 * A new SOS: every channel queued (a delivery row and send job each), the
 * admin room told, live tracking started (jobKey sos-fanout:{id}). Enqueued
 * in the alert's own transaction, so an acknowledged alert is always fanned out.
 */
export const sosFanOutTask = defineTask({
  name: 'safety.sos_fan_out',
  schema: z.object({ alertId: z.uuid() }),
  maxAttempts: 25,
});

/** Unacknowledged SOS: call on-call, then again every SOS_ESCALATION_REPEAT_MS (jobKey sos-escalate:{id}). */
export const sosEscalateTask = defineTask({
  name: 'safety.sos_escalate',
  schema: z.object({ alertId: z.uuid() }),
  maxAttempts: 10,
});

/** Active SOS: the user's live position to the admin room every SOS_TRACK_INTERVAL_MS (jobKey sos-track:{id}). */
export const sosTrackTask = defineTask({
  name: 'safety.sos_track',
  schema: z.object({ alertId: z.uuid() }),
  maxAttempts: 3,
});

/** Accepted trip not started within SAFETY_START_DEADLINE_MS (jobKey safety-start:{tripId}). */
export const tripStartCheckTask = defineTask({
  name: 'safety.trip_start_check',
  schema: z.object({ tripId: z.uuid() }),
  maxAttempts: 5,
});
