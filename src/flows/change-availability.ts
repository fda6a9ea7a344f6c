import type { Platform } from '../platform/runtime.js';
import { runUnitOfWork } from '../platform/events/unit-of-work.js';
import { setAvailability } from '../modules/drivers/index.js';
import { withdrawDriverOffers } from '../modules/trips/index.js';
import { syncDriverAvailability } from '../modules/location/index.js';

/** A driver going offline gives back every offer still open to them (API.md). */
export async function changeAvailability(platform: Platform, driverId: string, available: boolean) {
  const result = await runUnitOfWork(platform.database.db, platform.bus, async (tx) => {
    const changed = await setAvailability(tx, driverId, available);
    if (!available) await withdrawDriverOffers(tx, driverId);
    return changed;
  });
  // After commit: nearby/matching read hot state first (Postgres re-checks, so a failure here only delays visibility).
  await syncDriverAvailability(platform.hotState, driverId, result.state).catch((err: unknown) => platform.log.warn({ err, driverId }, 'hot-state availability sync failed'));
  return result;
}
