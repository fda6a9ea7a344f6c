import type { Platform } from '../platform/runtime.js';
import { runUnitOfWork } from '../platform/events/unit-of-work.js';
import { setAvailability } from '../modules/drivers/index.js';
import { withdrawDriverOffers } from '../modules/trips/index.js';

/** A driver going offline gives back every offer still open to them (API.md). */
export async function changeAvailability(platform: Platform, driverId: string, available: boolean) {
  return runUnitOfWork(platform.database.db, platform.bus, async (tx) => {
    const result = await setAvailability(tx, driverId, available);
    if (!available) await withdrawDriverOffers(tx, driverId);
    return result;
  });
}
