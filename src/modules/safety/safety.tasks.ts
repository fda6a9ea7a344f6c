import type { Db } from '../../platform/db/database.js';
import { withTransaction } from '../../platform/db/transaction.js';
import type { EventBus } from '../../platform/events/bus.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import { JobPriority } from '../../platform/jobs/task.js';
import type { Logger } from '../../platform/observability/logger.js';
import type { RealtimeEmitter } from '../../platform/realtime/emitter.js';
import { queueDeliveries } from '../notifications/index.js';
import { tripRecords } from '../trips/index.js';
import type { SafetyConfig } from './safety.config.js';
import { sosEscalateTask, sosFanOutTask, sosTrackTask, tripStartCheckTask } from './safety.task.js';
import { fanOutSos } from './sos-fan-out.js';
import { sosEscalations } from './safety.metrics.js';
import type { SafetyMonitor } from './safety-monitor.js';
import { sosEscalation } from './sos.messages.js';
import { bumpEscalation, findAlert, insertTrailPoint, updateLastPosition } from './sos.repo.js';
import { personOf } from './sos.service.js';
import type { LatestPositions } from './trip-positions.js';

export interface SafetyTaskDeps {
  db: Db;
  bus: EventBus;
  jobs: JobQueue;
  realtime: RealtimeEmitter;
  log: Logger;
  config: SafetyConfig;
  positions: LatestPositions;
  monitor: SafetyMonitor;
  /** Issue 16: who takes an unattended trip away from its driver (a flow; absent, the check only alerts). */
  unattended?: UnattendedTrips;
}

/** The start-deadline check's port to reassignment: true when the trip went back to searching. */
export interface UnattendedTrips {
  reassignUnstarted(trip: { id: string; driverId: string }): Promise<boolean>;
}

/**
 * One escalation round of a still-open alert: the round is recorded and the
 * call to on-call queued (its own retries and breaker) in one transaction with
 * the next round, so escalation keeps going even while every provider is down.
 */
export async function escalateSos(deps: SafetyTaskDeps, alertId: string) {
  const alert = await findAlert(deps.db, alertId);
  if (!alert || alert.status !== 'open') return; // acknowledged or resolved: escalation stops here
  const person = await personOf(deps.db, alert.user_id);
  const { config } = deps;
  const round = await withTransaction(deps.db, async (tx) => {
    const n = await bumpEscalation(tx, alertId);
    if (n === undefined) return undefined;
    await queueDeliveries(tx, deps.jobs, sosEscalation(alert, person, n, config.ONCALL_PHONE));
    if (n < config.SOS_ESCALATION_MAX) {
      const runAt = new Date(Date.now() + config.SOS_ESCALATION_REPEAT_MS);
      await deps.jobs.enqueue(
        tx,
        sosEscalateTask,
        { alertId },
        { jobKey: `sos-escalate:${alertId}`, runAt, priority: JobPriority.CRITICAL },
      );
    }
    return n;
  });
  if (round === undefined) return;
  sosEscalations.inc();
  if (!config.ONCALL_PHONE)
    deps.log.error({ alertId, round }, 'SOS escalation has nobody to call: ONCALL_PHONE is not set');
  deps.log.warn({ alertId, round }, 'SOS unacknowledged: escalated');
}

/** Every SOS_TRACK_INTERVAL_MS while the alert is not resolved: the freshest position to the admin room. */
export async function trackSos(deps: SafetyTaskDeps, alertId: string) {
  const alert = await findAlert(deps.db, alertId);
  if (!alert || alert.status === 'resolved') return;
  if (Date.now() - alert.created_at.getTime() > deps.config.SOS_TRACK_MAX_MS) {
    deps.log.warn({ alertId }, 'SOS live tracking stopped: maximum duration reached');
    return;
  }
  const trip = alert.trip_id ? await tripRecords.find(deps.db, alert.trip_id) : undefined;
  const live = await deps.positions.latest({ tripId: alert.trip_id, driverId: trip?.driver_id ?? alert.user_id });
  const fresh = live !== null && live.at > alert.last_position_at.getTime();
  if (fresh) {
    const point = { lat: live.lat, lng: live.lng, at: new Date(live.at) };
    await updateLastPosition(deps.db, { id: alertId, ...point });
    await insertTrailPoint(deps.db, { alertId, ...point });
  }
  const pos = fresh
    ? live
    : { lat: alert.last_lat, lng: alert.last_lng, heading: null, at: alert.last_position_at.getTime() };
  deps.realtime.toAdmins('sos:location', {
    alertId,
    userId: alert.user_id,
    tripId: alert.trip_id,
    lat: pos.lat,
    lng: pos.lng,
    heading: pos.heading,
    at: new Date(pos.at).toISOString(),
    source: fresh ? 'live' : 'last_known',
  });
  const runAt = new Date(Date.now() + deps.config.SOS_TRACK_INTERVAL_MS);
  await deps.jobs.enqueue(
    deps.db,
    sosTrackTask,
    { alertId },
    { jobKey: `sos-track:${alertId}`, runAt, priority: JobPriority.CRITICAL },
  );
}

/**
 * Scheduled at accept: still accepted/arrived after SAFETY_START_DEADLINE_MS ⇒ a `not_started` safety event, and a
 * driver who never even arrived loses the trip to another (issue 16: never unattended past the deadline).
 */
export async function checkTripStarted(deps: SafetyTaskDeps, tripId: string) {
  const trip = await tripRecords.find(deps.db, tripId);
  if (!trip || (trip.status !== 'accepted' && trip.status !== 'arrived')) return;
  if (trip.status === 'accepted' && trip.driver_id && deps.unattended)
    await deps.unattended.reassignUnstarted({ id: trip.id, driverId: trip.driver_id });
  const sinceAcceptS = trip.accepted_at ? Math.round((Date.now() - trip.accepted_at.getTime()) / 1000) : 0;
  await deps.monitor.raise(
    { id: trip.id, riderId: trip.rider_id },
    { kind: 'not_started', details: { sinceAcceptS } },
    null,
  );
}

export function registerSafetyJobHandlers(jobs: JobQueue, deps: SafetyTaskDeps) {
  jobs.register(sosFanOutTask, async ({ alertId }) => fanOutSos(deps, alertId));
  jobs.register(sosEscalateTask, async ({ alertId }) => escalateSos(deps, alertId));
  jobs.register(sosTrackTask, async ({ alertId }) => trackSos(deps, alertId));
  jobs.register(tripStartCheckTask, async ({ tripId }) => checkTripStarted(deps, tripId));
}
