import { z } from 'zod';
import { defineTask } from '../../platform/jobs/task.js';
import type { TaskDeps } from '../../platform/jobs/queue.js';
import { runUnitOfWork } from '../../platform/events/unit-of-work.js';
import { closePendingOffers } from './offers.repo.js';
import { findTrip } from './trips.repo.js';
import { moveTrip } from './trips.service.js';
import { countOfferOutcome } from './trips.metrics.js';

export const expireSearchTask = defineTask({
  name: 'trips.expire_search',
  schema: z.object({ tripId: z.uuid() }),
  maxAttempts: 5,
});

/**
 * Ends a search nobody accepted. Fires once per trip (job key); a trip that
 * was accepted or cancelled meanwhile is left alone.
 */
export function registerTripTasks(deps: TaskDeps) {
  deps.jobs.register(expireSearchTask, async ({ tripId }, ctx) => {
    const expired = await runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
      const trip = await findTrip(tx, tripId);
      if (!trip || trip.status !== 'searching') return [];
      await moveTrip(tx, events, { trip, to: 'no_drivers', actorId: null });
      ctx.log.info({ tripId }, 'search timed out: no drivers');
      return closePendingOffers(tx, tripId, 'expired');
    });
    countOfferOutcome('expired', expired.length);
  });
}
