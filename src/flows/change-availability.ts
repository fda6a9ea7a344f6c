import { runUnitOfWork } from '../platform/events/unit-of-work.js';
import type { HotState } from '../platform/hotstate/index.js';
import type { Logger } from '../platform/observability/logger.js';
import { setAvailability } from '../modules/drivers/index.js';
import { tripOffers } from '../modules/trips/index.js';
import { syncDriverAvailability } from '../modules/location/index.js';
import type { UnitDeps } from './deps.js';

export interface ChangeAvailabilityDeps extends UnitDeps {
  hotState: HotState;
  log: Logger;
}

/** A driver going offline gives back every offer still open to them (API.md). */
export async function changeAvailability(
  deps: ChangeAvailabilityDeps,
  input: { driverId: string; available: boolean },
) {
  const { driverId, available } = input;
  const result = await runUnitOfWork(deps.db, deps.bus, async (tx) => {
    const changed = await setAvailability(tx, driverId, available);
    if (!available) await tripOffers.withdrawFromDriver(tx, driverId);
    return changed;
  });
  // After commit: nearby/matching read hot state first (Postgres re-checks, so a failure here only delays visibility).
  await syncDriverAvailability(deps.hotState, driverId, result.state).catch((err: unknown) =>
    deps.log.warn({ err, driverId }, 'hot-state availability sync failed'),
  );
  return result;
}
