import type { Db } from '../../platform/db/database.js';
import type { HotState } from '../../platform/hotstate/index.js';
import type { TaskDeps } from '../../platform/jobs/queue.js';
import type { Logger } from '../../platform/observability/logger.js';
import type { RealtimeHub } from '../../platform/realtime/emitter.js';
import { JobPriority } from '../../platform/jobs/task.js';
import { replaceContacts } from './contacts.repo.js';
import { SafetyMonitor } from './safety-monitor.js';
import { tripStartCheckTask } from './safety.task.js';
import { registerSafetyJobHandlers, type UnattendedTrips } from './safety.tasks.js';
import { TripShareService } from './share.service.js';
import { SosService } from './sos.service.js';
import { LatestPositions, type TripLocationPoint } from './trip-positions.js';
import type { SafetyConfig } from './safety.config.js';

export interface SafetyDeps extends TaskDeps {
  realtime: RealtimeHub;
  log: Logger;
  /** Another node may have ingested the last fix: hot state has every driver's. */
  hotState: Pick<HotState, 'getDriverPosition'>;
  config: SafetyConfig;
  /** The reserved pool SOS writes through (Platform.safetyDatabase). */
  safetyDb: Db;
  /** Reassigns an accepted trip whose driver missed the start deadline (issue 16). */
  unattended?: UnattendedTrips;
}

export interface SafetyModule {
  sos: SosService;
  shares: TripShareService;
  monitor: SafetyMonitor;
  positions: LatestPositions;
  /** Listener for the location stream: `subscribeTripLocations(safety.evaluateTripLocation)`. */
  evaluateTripLocation(point: TripLocationPoint): Promise<void>;
}

/**
 * Builds the safety services, registers their jobs and subscribes to trip
 * status changes (accept ⇒ "not started within 20 min" check; end ⇒ forget).
 */
export function createSafety(deps: SafetyDeps): SafetyModule {
  const { config, db, jobs, realtime, bus } = deps;
  const log = deps.log.child({ module: 'safety' });
  const positions = new LatestPositions();
  // Another node may have ingested the fix: hot state (Redis when configured) has every driver's last position.
  positions.setFallback(async (driverId) => {
    const p = await deps.hotState.getDriverPosition(driverId);
    return p ? { lat: p.lat, lng: p.lng, heading: p.heading, at: p.at } : null;
  });
  const monitor = new SafetyMonitor({ db, jobs, realtime, log, config, positions });
  const sos = new SosService({ db, bus, safetyDb: deps.safetyDb, jobs, realtime, log, config });
  const shares = new TripShareService({ db, config, positions });
  registerSafetyJobHandlers(jobs, {
    db,
    bus,
    jobs,
    realtime,
    log,
    config,
    positions,
    monitor,
    unattended: deps.unattended,
  });
  bus.on('trip.status_changed', async ({ payload }) => {
    monitor.onTripStatus(payload.tripId, payload.to);
    if (payload.to !== 'accepted') return;
    // After commit (the bus only sees committed events); a crash in between loses only this reminder.
    const runAt = new Date(Date.parse(payload.at) + config.SAFETY_START_DEADLINE_MS);
    await jobs.enqueue(
      db,
      tripStartCheckTask,
      { tripId: payload.tripId },
      { jobKey: `safety-start:${payload.tripId}`, runAt, priority: JobPriority.HIGH },
    );
  });
  // An erased account keeps no emergency contacts (other people's names, phones and emails).
  bus.on('user.erased', async ({ payload }) => {
    await replaceContacts(db, payload.userId, []);
  });
  return { sos, shares, monitor, positions, evaluateTripLocation: monitor.evaluateTripLocation };
}
