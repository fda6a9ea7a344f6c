import type { Tx } from '../platform/db/database.js';
import type { EventRecorder } from '../platform/events/unit-of-work.js';
import type { JobQueue } from '../platform/jobs/queue.js';
import { openTripChat } from '../modules/chat/index.js';
import { driverStates } from '../modules/drivers/index.js';
import { notify } from '../modules/notifications/index.js';
import {
  pickupWatchJobKey,
  pickupWatchTask,
  scheduledHoldJobKey,
  scheduledHoldTask,
  tripOffers,
  type ScheduleStep,
  type TripRow,
} from '../modules/trips/index.js';
import type { TripWatchSettings } from './reassign-trip.js';

/** What the accept transaction needs beyond the unit of work: the job queue and the watch timings. */
export interface MatchDeps {
  jobs: JobQueue;
  tripWatch: TripWatchSettings;
}

/**
 * What every match does in the accept transaction, however it was won (first
 * accept, a selected bid or a confirmed reservation): the chat room opens, the driver is busy, their
 * acceptance rate counts it, every other open offer is withdrawn, and the pickup watch starts.
 */
export async function settleMatch(tx: Tx, events: EventRecorder, deps: MatchDeps, accepted: TripRow) {
  const driverId = accepted.driver_id!;
  await openTripChat(tx, { tripId: accepted.id, riderId: accepted.rider_id, driverId });
  await driverStates.transition(tx, { userId: driverId, from: ['available', 'offered', 'cooldown'], to: 'busy' });
  await driverStates.recordOfferOutcome(tx, driverId, true);
  await withdrawOthers(tx, events, accepted.id);
  await startPickupWatch(tx, deps, accepted);
}

/** The pickup watch: a driver who goes quiet before pickup is replaced (trip-watch.tasks.ts). */
export async function startPickupWatch(tx: Tx, deps: MatchDeps, accepted: TripRow) {
  await deps.jobs.enqueue(
    tx,
    pickupWatchTask,
    { tripId: accepted.id, driverId: accepted.driver_id! },
    { jobKey: pickupWatchJobKey(accepted.id), runAt: new Date(Date.now() + deps.tripWatch.silenceMs) },
  );
}

async function withdrawOthers(tx: Tx, events: EventRecorder, tripId: string) {
  const withdrawn = await tripOffers.closePending(tx, tripId, 'withdrawn');
  if (withdrawn.length > 0) {
    await events.record({
      type: 'trip.offers_withdrawn',
      aggregateType: 'trip',
      aggregateId: tripId,
      actorId: null,
      payload: { tripId, driverIds: withdrawn },
    });
  }
}

/**
 * A driver reserved a scheduled trip: the chat opens, the other offers close and the driver is free again (offered →
 * available) until they confirm. The confirmation window opens at twice the confirm lead before pickup (the driver is
 * asked then) and closes at the lead; unconfirmed by then, the backup search starts (trip-watch.tasks.ts).
 */
export async function settleReservation(tx: Tx, events: EventRecorder, deps: MatchDeps, reserved: TripRow) {
  const driverId = reserved.driver_id!;
  await openTripChat(tx, { tripId: reserved.id, riderId: reserved.rider_id, driverId });
  await driverStates.transition(tx, { userId: driverId, from: ['offered'], to: 'available' });
  await driverStates.recordOfferOutcome(tx, driverId, true);
  await withdrawOthers(tx, events, reserved.id);
  const { opens, closes } = confirmWindow(reserved, deps.tripWatch);
  for (const [step, runAt] of [
    ['ask', opens],
    ['deadline', closes],
  ] as const) {
    await deps.jobs.enqueue(
      tx,
      scheduledHoldTask,
      { tripId: reserved.id, driverId, step },
      { jobKey: scheduledHoldJobKey(reserved.id, step), runAt },
    );
  }
  await recordScheduleStep(tx, events, deps.jobs, { trip: reserved, step: 'driver_reserved', confirmBy: closes });
}

/** When the reserving driver may confirm a scheduled trip: [pickup − 2 × lead, pickup − lead]. */
export function confirmWindow(trip: Pick<TripRow, 'scheduled_at'>, watch: TripWatchSettings) {
  const pickup = trip.scheduled_at!.getTime();
  return { opens: new Date(pickup - 2 * watch.confirmLeadMs), closes: new Date(pickup - watch.confirmLeadMs) };
}

/** A book-later step the rider is told about: `trip:schedule_update` on their socket and a notification. */
export async function recordScheduleStep(
  tx: Tx,
  events: EventRecorder,
  jobs: JobQueue,
  a: { trip: TripRow; step: ScheduleStep; confirmBy: Date | null },
) {
  const { trip, step } = a;
  const payload = {
    tripId: trip.id,
    riderId: trip.rider_id,
    driverId: trip.driver_id,
    step,
    scheduledAt: trip.scheduled_at!.toISOString(),
    confirmBy: a.confirmBy ? a.confirmBy.toISOString() : null,
  };
  await events.record({
    type: 'trip.schedule_update',
    aggregateType: 'trip',
    aggregateId: trip.id,
    actorId: null,
    payload,
  });
  const { riderId: userId, ...data } = payload;
  await notify(tx, jobs, { userId, template: `trip.${step}`, data, priority: 'HIGH' });
}
