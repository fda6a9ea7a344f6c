import type { HotState } from '../platform/hotstate/index.js';
import type { RealtimeEmitter } from '../platform/realtime/emitter.js';
import { notify } from '../modules/notifications/index.js';
import {
  pickupWatchJobKey,
  pickupWatchTask,
  scheduledHoldJobKey,
  scheduledHoldTask,
  tripRecords,
} from '../modules/trips/index.js';
import { reassignTrip, type ReassignTripDeps, type TripWatchSettings } from './reassign-trip.js';
import { confirmWindow } from './settle-match.js';

export interface TripWatchDeps extends ReassignTripDeps {
  /** Every node's latest fixes (Redis when configured): the driver may report to another node. */
  hotState: Pick<HotState, 'getDriverPosition'>;
  realtime: RealtimeEmitter;
  tripWatch: TripWatchSettings;
}

/**
 * The driver of an accepted trip must be seen on the way: the last sign of life is their latest position (or the
 * accept itself). Quiet for REASSIGN_SILENCE_MS ⇒ reassigned; otherwise the check comes back when they would be.
 */
export async function watchPickup(deps: TripWatchDeps, { tripId, driverId }: { tripId: string; driverId: string }) {
  const trip = await tripRecords.find(deps.db, tripId);
  if (!trip || trip.status !== 'accepted' || trip.driver_id !== driverId) return;
  const position = await deps.hotState.getDriverPosition(driverId);
  const lastSign = Math.max(position?.at ?? 0, (trip.accepted_at ?? trip.updated_at).getTime());
  const silenceMs = deps.tripWatch.silenceMs;
  if (Date.now() - lastSign >= silenceMs) {
    await reassignTrip(deps, { tripId, driverId, reason: 'driver_silent' });
    return;
  }
  await deps.jobs.enqueue(
    deps.db,
    pickupWatchTask,
    { tripId, driverId },
    { jobKey: pickupWatchJobKey(tripId), runAt: new Date(lastSign + silenceMs) },
  );
}

/** A reservation's steps: ask the driver to confirm when the window opens; at its close, unconfirmed ⇒ backup. */
export async function watchReservation(
  deps: TripWatchDeps,
  { tripId, driverId, step }: { tripId: string; driverId: string; step: 'ask' | 'deadline' },
) {
  const trip = await tripRecords.find(deps.db, tripId);
  // Confirmed (accepted), cancelled or already handed to someone else: nothing to do.
  if (!trip || trip.status !== 'scheduled' || trip.driver_id !== driverId || !trip.scheduled_at) return;
  const { opens, closes } = confirmWindow(trip, deps.tripWatch);
  const due = step === 'ask' ? opens : closes;
  if (Date.now() < due.getTime()) {
    // Early (a worker clock or a re-run): come back on time rather than act now.
    const jobKey = scheduledHoldJobKey(tripId, step);
    await deps.jobs.enqueue(deps.db, scheduledHoldTask, { tripId, driverId, step }, { jobKey, runAt: due });
    return;
  }
  if (step === 'deadline') {
    await reassignTrip(deps, { tripId, driverId, reason: 'not_confirmed' });
    return;
  }
  const data = { tripId, scheduledAt: trip.scheduled_at.toISOString(), confirmBy: closes.toISOString() };
  await notify(deps.db, deps.jobs, { userId: driverId, template: 'trip.confirm_requested', data, priority: 'HIGH' });
  deps.realtime.toUser(driverId, 'trip:confirm_requested', data);
}

export function registerTripWatchTasks(deps: TripWatchDeps) {
  deps.jobs.register(pickupWatchTask, async (payload) => watchPickup(deps, payload));
  deps.jobs.register(scheduledHoldTask, async (payload) => watchReservation(deps, payload));
}
