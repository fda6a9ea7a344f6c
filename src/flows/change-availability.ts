import { runUnitOfWork } from '../platform/events/unit-of-work.js';
import type { HotState } from '../platform/hotstate/index.js';
import type { Logger } from '../platform/observability/logger.js';
import { setAvailability } from '../modules/drivers/index.js';
import { tripOffers, tripRecords } from '../modules/trips/index.js';
import { syncDriverAvailability } from '../modules/location/index.js';
import { dropDriver, type ReassignTripDeps } from './reassign-trip.js';

export interface ChangeAvailabilityDeps extends ReassignTripDeps {
  hotState: HotState;
  log: Logger;
}

/**
 * A driver going offline gives back every offer still open to them (API.md), and a trip they accepted but have not
 * started goes back to searching without them (issue 16); a started ride keeps them busy.
 */
export async function changeAvailability(
  deps: ChangeAvailabilityDeps,
  input: { driverId: string; available: boolean },
) {
  const { driverId, available } = input;
  const { result, reassigned } = await runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
    const [current] = available ? [] : await tripRecords.activeOfDrivers(tx, [driverId]);
    const dropped = current
      ? await dropDriver(deps, tx, events, { tripId: current.id, driverId, reason: 'driver_offline' })
      : null;
    const changed = await setAvailability(tx, driverId, available);
    if (!available) await tripOffers.withdrawFromDriver(tx, driverId);
    return { result: changed, reassigned: dropped };
  });
  if (reassigned) deps.dispatch.afterRequest(reassigned);
  // After commit: nearby/matching read hot state first (Postgres re-checks, so a failure here only delays visibility).
  await syncDriverAvailability(deps.hotState, driverId, result.state).catch((err: unknown) =>
    deps.log.warn({ err, driverId }, 'hot-state availability sync failed'),
  );
  return result;
}
