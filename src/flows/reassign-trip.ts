import type { Tx } from '../platform/db/database.js';
import type { JobQueue } from '../platform/jobs/queue.js';
import { runUnitOfWork, type EventRecorder } from '../platform/events/unit-of-work.js';
import type { Dispatcher } from '../modules/dispatch/index.js';
import { driverStates } from '../modules/drivers/index.js';
import { notify } from '../modules/notifications/index.js';
import {
  expireSearchTask,
  moveTrip,
  tripRecords,
  type ReassignReason,
  type TripRow,
  type TripStatus,
} from '../modules/trips/index.js';
import { SEARCH_TIMEOUT_MS } from './request-trip.js';
import { recordScheduleStep } from './settle-match.js';
import type { UnitDeps } from './deps.js';

/** The timings of issue 16's watches (config: REASSIGN_SILENCE_MS, SCHEDULED_CONFIRM_LEAD_MS, SCHEDULED_HOLD_MS). */
export interface TripWatchSettings {
  silenceMs: number;
  confirmLeadMs: number;
  holdMs: number;
}

export function tripWatchSettings(config: {
  REASSIGN_SILENCE_MS: number;
  SCHEDULED_CONFIRM_LEAD_MS: number;
  SCHEDULED_HOLD_MS: number;
}): TripWatchSettings {
  return {
    silenceMs: config.REASSIGN_SILENCE_MS,
    confirmLeadMs: config.SCHEDULED_CONFIRM_LEAD_MS,
    holdMs: config.SCHEDULED_HOLD_MS,
  };
}

export interface ReassignTripDeps extends UnitDeps {
  jobs: JobQueue;
  dispatch: Dispatcher;
}

export interface ReassignInput {
  tripId: string;
  /** The driver dropping the trip: nothing happens when they no longer hold it (another path got there first). */
  driverId: string;
  reason: ReassignReason;
}

/**
 * Which holds each reason may end. Silence and the start deadline concern a driver on the way (`accepted`): one who
 * has arrived is at the pickup, waiting for the rider. Only the reserving driver's own cancel or missed confirmation
 * ends a reservation (`scheduled` with a driver).
 */
const DROPPABLE: Record<ReassignReason, TripStatus[]> = {
  driver_cancelled: ['scheduled', 'accepted', 'arrived'],
  driver_offline: ['accepted', 'arrived'],
  driver_silent: ['accepted'],
  start_deadline: ['accepted'],
  not_confirmed: ['scheduled'],
};

/**
 * Takes a trip away from the driver who dropped it and searches again, on the same row: same rider, request time
 * and fare (nothing is charged before completion, so nothing is charged twice). The dropped driver's offer row
 * stays, so dispatch never offers them this trip again. Idempotent: a second call for the same driver finds the
 * trip no longer theirs and returns null.
 */
export async function reassignTrip(deps: ReassignTripDeps, input: ReassignInput): Promise<TripRow | null> {
  const row = await runUnitOfWork(deps.db, deps.bus, (tx, events) => dropDriver(deps, tx, events, input));
  if (row) deps.dispatch.afterRequest(row);
  return row;
}

/** The reassignment's writes, in the caller's transaction (driver cancel and going offline run it in theirs). */
export async function dropDriver(
  deps: Pick<ReassignTripDeps, 'jobs' | 'dispatch'>,
  tx: Tx,
  events: EventRecorder,
  { tripId, driverId, reason }: ReassignInput,
): Promise<TripRow | null> {
  const trip = await tripRecords.lock(tx, tripId);
  if (!trip || trip.driver_id !== driverId || !DROPPABLE[reason].includes(trip.status)) return null;
  const searching = await moveTrip(tx, events, {
    trip,
    to: 'searching',
    actorId: reason === 'driver_cancelled' ? driverId : null,
    set: {
      driver_id: null,
      accepted_at: null,
      confirmed_at: null,
      hold_ends_at: null,
      reassignments: trip.reassignments + 1,
    },
  });
  const at = searching.updated_at.toISOString();
  const { rider_id: riderId, version } = searching;
  await events.record({
    type: 'trip.reassigning',
    aggregateType: 'trip',
    aggregateId: tripId,
    actorId: null,
    payload: { tripId, riderId, droppedDriverId: driverId, reason, version, at },
  });
  await releaseDropped(tx, deps.jobs, { dropped: trip, reason });
  await restartSearch(deps, tx, events, searching, reason);
  return searching;
}

/** The dropped driver's state, and the rider's notification (a missed confirmation has its own, a schedule step). */
async function releaseDropped(
  tx: Tx,
  jobs: JobQueue,
  { dropped, reason }: { dropped: TripRow; reason: ReassignReason },
) {
  // A reservation never made the driver busy; a match did. Whoever left without cancelling is not offered work.
  if (dropped.status !== 'scheduled')
    await driverStates.transition(tx, {
      userId: dropped.driver_id!,
      from: ['busy'],
      to: reason === 'driver_cancelled' ? 'available' : 'offline',
    });
  if (reason !== 'not_confirmed')
    await notify(tx, jobs, {
      userId: dropped.rider_id,
      template: 'trip.reassigning',
      data: { tripId: dropped.id, reason },
      // Issue 17.6: "your driver cancelled" overtakes every queued notice and survives NOTIFICATIONS_DEGRADED.
      // Push, not SMS: the rider is still being served (same trip, same fare).
      priority: reason === 'driver_cancelled' ? 'CRITICAL' : 'HIGH',
      channels: ['socket', 'push'],
    });
}

async function restartSearch(
  deps: Pick<ReassignTripDeps, 'jobs' | 'dispatch'>,
  tx: Tx,
  events: EventRecorder,
  trip: TripRow,
  reason: ReassignReason,
) {
  const from = Math.max(Date.now(), trip.scheduled_at?.getTime() ?? 0);
  await deps.jobs.enqueue(
    tx,
    expireSearchTask,
    { tripId: trip.id },
    { jobKey: `trip-search-timeout:${trip.id}`, runAt: new Date(from + SEARCH_TIMEOUT_MS) },
  );
  await deps.dispatch.restartSearch(tx, trip);
  // A reservation nobody confirmed: the rider hears "backup search" (a schedule step) rather than a reassignment.
  if (reason === 'not_confirmed' && trip.scheduled_at)
    await recordScheduleStep(tx, events, deps.jobs, { trip, step: 'backup_search', confirmBy: null });
}

/** The start-deadline check's way to reassign (the safety module raises the alert, this flow moves the trip). */
export function unattendedTripHandler(deps: ReassignTripDeps) {
  return {
    async reassignUnstarted(trip: { id: string; driverId: string }): Promise<boolean> {
      const row = await reassignTrip(deps, { tripId: trip.id, driverId: trip.driverId, reason: 'start_deadline' });
      return row !== null;
    },
  };
}
